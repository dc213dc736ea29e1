package org.cypmh.gateway.e2e;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.cypmh.gateway.fhir.Caller;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * Who may use the operator console: nobody anonymous, no partner credential (the ODS header, a
 * bearer token), no form post without its CSRF token, and an auditor only the audit page.
 */
@ConsoleGateway
class ConsoleAccessTest {

  @Autowired MockMvc mvc;

  @Test
  void anonymousIsSentToSignIn() throws Exception {
    mvc.perform(get("/console"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("http://localhost/console/login"));
    mvc.perform(get("/console/dead-letters"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("http://localhost/console/login"));
  }

  @Test
  void partnerCredentialsAreNoConsoleSignIn() throws Exception {
    // The trusted-header partner API takes the ODS header as the caller; the console does not.
    mvc.perform(get("/console").header(Caller.ODS_HEADER, "8HV48"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("http://localhost/console/login"));
    mvc.perform(get("/console/routes").header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.x"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("http://localhost/console/login"));
  }

  @Test
  void signInPageOffersBothWaysAndTheLocalAccountSignsIn() throws Exception {
    mvc.perform(get("/console/login"))
        .andExpect(status().isOk())
        .andExpect(
            content().string(Matchers.containsString("Sign in with the ICS identity provider")))
        .andExpect(content().string(Matchers.containsString("name=\"_csrf\"")));
    mvc.perform(
            post("/console/login")
                .with(csrf())
                .param("username", ConsoleSignIn.OPERATOR)
                .param("password", ConsoleSignIn.PASSWORD))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("/console"));
    mvc.perform(
            post("/console/login")
                .with(csrf())
                .param("username", ConsoleSignIn.OPERATOR)
                .param("password", "wrong"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("/console/login?failed"));
  }

  @Test
  void formPostsWithoutTheCsrfTokenAreRefused() throws Exception {
    mvc.perform(
            post("/console/login")
                .param("username", ConsoleSignIn.OPERATOR)
                .param("password", ConsoleSignIn.PASSWORD))
        .andExpect(status().isForbidden());
    mvc.perform(
            post("/console/dead-letters/replay")
                .with(user("op").roles("CONSOLE_OPERATOR"))
                .param("delivery", "1"))
        .andExpect(status().isForbidden());
    mvc.perform(
            post("/console/audit/access-report")
                .with(user("op").roles("CONSOLE_OPERATOR"))
                .param("nhsNumber", "9000000009"))
        .andExpect(status().isForbidden());
  }

  @Test
  void anAuditorSeesTheAuditPageOnlyAndCannotReplay() throws Exception {
    mvc.perform(get("/console/audit").with(user("aud").roles("CONSOLE_AUDITOR")))
        .andExpect(status().isOk())
        .andExpect(content().string(Matchers.containsString("Audit trail verification")));
    mvc.perform(
            post("/console/dead-letters/replay")
                .with(user("aud").roles("CONSOLE_AUDITOR"))
                .with(csrf())
                .param("delivery", "1"))
        .andExpect(status().isForbidden());
    mvc.perform(get("/console").with(user("aud").roles("CONSOLE_AUDITOR")))
        .andExpect(status().isForbidden());
  }

  @Test
  void anOperatorReplaysWithTheCsrfToken() throws Exception {
    mvc.perform(
            post("/console/dead-letters/replay")
                .with(user("op").roles("CONSOLE_OPERATOR"))
                .with(csrf())
                .param("delivery", "999999"))
        .andExpect(status().isFound())
        .andExpect(redirectedUrl("/console/dead-letters"))
        .andExpect(flash().attribute("message", "Replayed 0 deliveries"));
  }
}
