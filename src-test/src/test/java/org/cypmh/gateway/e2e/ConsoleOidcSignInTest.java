package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Signing in to the console with the organisation's OpenID Connect IdP (a WireMock issuer signing
 * id tokens with a test key), in a browser: the IdP's role claim decides, operator in, someone
 * without a console role refused with no session, an auditor to the audit page.
 */
@ConsoleGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOidcSignInTest {

  @LocalServerPort int port;
  private WebDriver browser;

  @BeforeAll
  void openBrowser() {
    browser = HeadlessChromium.start();
  }

  @AfterAll
  void closeBrowser() {
    browser.quit();
  }

  @BeforeEach
  void signedOut() {
    browser.manage().deleteAllCookies();
  }

  @Test
  void aUserWithTheOperatorClaimGetsIn() {
    ConsoleSignIn.IDP.nextUser("alex.operator", "console-operator");
    browser.get(console("/console"));
    browser.findElement(By.id("oidc-sign-in")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlToBe(console("/console")));

    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Flow dashboard");
  }

  @Test
  void aUserWithoutAConsoleRoleIsRefused() {
    ConsoleSignIn.IDP.nextUser("sam.clinician", "clinician");
    browser.get(console("/console"));
    browser.findElement(By.id("oidc-sign-in")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlContains("refused"));

    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console/login?refused"));
    assertThat(browser.findElement(By.cssSelector("p.problem")).getText())
        .isEqualTo("Your account has no operator or auditor role for this console.");
    browser.get(console("/console"));
    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console/login"));
  }

  @Test
  void anAuditorGetsTheAuditPageOnly() {
    ConsoleSignIn.IDP.nextUser("kim.auditor", "console-auditor");
    browser.get(console("/console/audit"));
    browser.findElement(By.id("oidc-sign-in")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlToBe(console("/console/audit")));

    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console/audit"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Audit");
    browser.get(console("/console/dead-letters"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).isNotEqualTo("Dead letters");
  }

  private String console(String path) {
    return "http://localhost:" + port + path;
  }
}
