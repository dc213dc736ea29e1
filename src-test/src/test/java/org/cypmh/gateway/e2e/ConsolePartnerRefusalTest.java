package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.cypmh.gateway.security.ClientAssertion;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The strongest partner credentials in enforced mode, the demo operator system's (admin role)
 * client certificate on the mutual-TLS port and its access token, are no console sign-in: the
 * console sends them to its sign-in page, and refuses their form posts (no CSRF token, no session).
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsolePartnerRefusalTest {

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private HttpClient admin;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    admin = partners.demo("demo-admin");
  }

  @Test
  void anAdminClientCertificateIsSentToSignIn() {
    HttpResponse<String> response =
        PartnerClients.send(admin, PartnerClients.get(partners.https("/console/dead-letters")));

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location"))
        .hasValue(partners.https("/console/login"));
  }

  @Test
  void anAdminClientCertificateCannotPostAConsoleForm() {
    HttpResponse<String> response =
        PartnerClients.send(
            admin,
            HttpRequest.newBuilder(URI.create(partners.https("/console/dead-letters/replay")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("delivery=1")));

    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void anAdminAccessTokenIsSentToSignIn() {
    String token = accessToken();
    HttpResponse<String> fhir =
        PartnerClients.send(
            admin,
            PartnerClients.get(partners.http("/fhir/$dead-letters"))
                .header("Authorization", "Bearer " + token));
    // The token is good for the partner API ...
    assertThat(fhir.statusCode()).isEqualTo(200);

    HttpResponse<String> console =
        PartnerClients.send(
            admin,
            PartnerClients.get(partners.http("/console"))
                .header("Authorization", "Bearer " + token));
    // ... and nothing to the console.
    assertThat(console.statusCode()).isEqualTo(302);
    assertThat(console.headers().firstValue("Location")).hasValue(partners.http("/console/login"));
  }

  private String accessToken() {
    String assertion =
        ClientAssertion.sign(
            security.pkiDir().resolve("demo-admin-client-key.pem"),
            "demo-admin",
            partners.https("/oauth2/token"),
            Instant.now(),
            Duration.ofMinutes(1));
    String form =
        "grant_type=client_credentials"
            + "&client_assertion_type="
            + URLEncoder.encode(
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&client_assertion="
            + assertion
            + "&client_id=demo-admin&scope="
            + URLEncoder.encode("system/*.cruds", StandardCharsets.UTF_8);
    HttpResponse<String> response =
        PartnerClients.send(
            admin,
            HttpRequest.newBuilder(URI.create(partners.https("/oauth2/token")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }
}
