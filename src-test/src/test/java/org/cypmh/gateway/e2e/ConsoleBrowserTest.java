package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.util.List;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An engineer on call in a browser (headless Chromium): signs in with the local operator account,
 * reads the dashboard, follows a referral's journey, replays a dead letter and sees the WireMock
 * partner receive it, previews a route and finds a refused route file's {@code file:line}. One
 * screenshot per page in {@code target/console-screenshots}. The steps build on each other, in
 * order; no other console test posts referrals, so the figures are exact.
 */
@ConsoleGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends RoutingBehaviourSupport {

  @Autowired RoutesProperties routes;

  private WebDriver browser;
  private final RoutingReferrals crisis =
      RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
  private final RoutingReferrals toSpa = RoutingReferrals.referral().fromGp("B86002");
  private Accepted delivered;
  private Accepted dead;

  @BeforeAll
  void openBrowser() {
    browser = HeadlessChromium.start();
  }

  @AfterAll
  void closeBrowser() {
    browser.quit();
  }

  @Test
  @Order(1)
  void operatorSignsInWithTheLocalAccountAndGetsAHardenedSession() {
    browser.get(console("/console"));
    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console/login"));
    browser.findElement(By.id("username")).sendKeys(ConsoleSignIn.OPERATOR);
    browser.findElement(By.id("password")).sendKeys(ConsoleSignIn.PASSWORD);
    HeadlessChromium.screenshot(browser, "01-sign-in");
    browser.findElement(By.cssSelector("form button[type=submit]")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlToBe(console("/console")));

    assertThat(heading()).isEqualTo("Flow dashboard");
    Cookie session = browser.manage().getCookieNamed("JSESSIONID");
    assertThat(session.isSecure()).isTrue();
    assertThat(session.isHttpOnly()).isTrue();
    assertThat(session.getSameSite()).isEqualTo("Lax");
  }

  @Test
  @Order(2)
  void dashboardCountsOneDeliveredAndOneDeadLetteredReferral() {
    failThenRecover(toSpa, "/camhs-spa/fhir", 503, Integer.MAX_VALUE);
    delivered = accept(crisis);
    dead = accept(toSpa);
    await().atMost(DELIVERY).until(() -> "DELIVERED".equals(delivery(delivered).get("status")));
    await().atMost(DELIVERY).until(() -> "DEAD".equals(delivery(dead).get("status")));

    browser.get(console("/console"));
    // Last hour (index 0): two referrals in, one delivered, one dead letter.
    assertThat(text("received-0")).isEqualTo("2");
    assertThat(text("DELIVERED-0")).isEqualTo("1");
    assertThat(text("DEAD-0")).isEqualTo("1");
    assertThat(text("PENDING-0")).isEqualTo("0");
    assertThat(browser.findElement(By.xpath("//tr[th='camhs-spa']")).getText())
        .isEqualTo("camhs-spa 0 0 0 1 0");
    HeadlessChromium.screenshot(browser, "02-dashboard");
  }

  @Test
  @Order(3)
  void referralJourneyShowsRoutingConsentAttemptsAndThePayload() {
    String id = delivered.referral().substring("ServiceRequest/".length());
    browser.get(console("/console/referrals"));
    browser.findElement(By.linkText(delivered.referral())).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlContains("/console/referrals/"));

    assertThat(browser.getCurrentUrl()).isEqualTo(console("/console/referrals/" + id));
    assertThat(heading()).isEqualTo("Referral journey");
    WebElement delivery = browser.findElement(By.cssSelector(".delivery"));
    assertThat(delivery.findElement(By.tagName("h3")).getText()).endsWith(" to camhs-crisis");
    assertThat(delivery.findElement(By.cssSelector("td.state-DELIVERED")).getText())
        .isEqualTo("DELIVERED");
    List<WebElement> attempts =
        delivery.findElements(By.xpath(".//table[caption='Attempts']/tbody/tr"));
    assertThat(attempts).hasSize(1);
    assertThat(attempts.get(0).findElements(By.tagName("td")).get(2).getText()).isEqualTo("200");
    delivery.findElement(By.tagName("summary")).click();
    assertThat(delivery.findElement(By.tagName("pre")).getText()).contains(crisis.identifier());
    HeadlessChromium.screenshot(browser, "03-referral-journey");
  }

  @Test
  @Order(4)
  void replayingADeadLetterDeliversItToThePartner() {
    String deliveryId = delivery(dead).get("id");
    browser.get(console("/console/dead-letters"));
    assertThat(browser.findElement(By.tagName("caption")).getText()).isEqualTo("1 dead letters");
    assertThat(browser.findElement(By.xpath("//tbody/tr/td[7]")).getText()).isEqualTo("HTTP 503");
    assertThat(browser.findElement(By.cssSelector("#stuck-work tbody")).getText())
        .isEqualTo("None");
    HeadlessChromium.screenshot(browser, "04-dead-letters");

    removeStubsFor(toSpa);
    browser.findElement(By.id("delivery-" + deliveryId)).click();
    browser.findElement(By.xpath("//button[text()='Replay selected']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.presenceOfElementLocated(By.cssSelector("p.message")));

    assertThat(browser.findElement(By.cssSelector("p.message")).getText())
        .isEqualTo("Replayed 1 delivery");
    await().atMost(DELIVERY).until(() -> "DELIVERED".equals(delivery(dead).get("status")));
    assertThat(partnerRequestsFor(toSpa)).hasSize(4);
    browser.navigate().refresh();
    assertThat(browser.findElement(By.tagName("caption")).getText()).isEqualTo("0 dead letters");
  }

  @Test
  @Order(5)
  void routePreviewShowsDestinationConsentAndPayload() {
    browser.get(console("/console/routes"));
    WebElement referral = browser.findElement(By.id("referral"));
    String bundle =
        GatewayClient.FHIR
            .newJsonParser()
            .encodeResourceToString(
                RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT).transaction());
    ((JavascriptExecutor) browser)
        .executeScript("arguments[0].value = arguments[1]", referral, bundle);
    browser.findElement(By.xpath("//button[text()='Preview']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.presenceOfElementLocated(By.id("matched-routes")));

    assertThat(browser.findElements(By.cssSelector(".destination-service")))
        .extracting(WebElement::getText)
        .containsExactly("camhs-crisis");
    HeadlessChromium.screenshot(browser, "05-route-preview");
  }

  @Test
  @Order(6)
  void everyRouteTestCaseBesideTheRouteFilesPassesFromThePage() throws IOException {
    int cases;
    try (var in = getClass().getClassLoader().getResourceAsStream(ConsoleSignIn.ROUTE_TESTS)) {
      cases = ((List<?>) new org.yaml.snakeyaml.Yaml().load(in)).size();
    }
    browser.get(console("/console/routes"));
    browser.findElement(By.xpath("//button[text()='Run the route tests']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.presenceOfElementLocated(By.id("route-tests-summary")));

    assertThat(cases).isGreaterThanOrEqualTo(12);
    assertThat(text("route-tests-summary"))
        .isEqualTo(cases + " of " + cases + " route test cases passed");
  }

  @Test
  @Order(7)
  void anOperatorWritesARouteFileForEveryNodeAndABrokenOneShowsItsFileAndLine() {
    browser.get(console("/console/routes"));
    browser.findElement(By.id("new-route-file")).sendKeys("bypass.yaml");
    browser.findElement(By.xpath("//button[text()='Write it']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.presenceOfElementLocated(By.id("route-file-content")));

    // A route that sends around the deliver block: refused with its line, nothing saved.
    fillIn(
        "route-file-content",
        """
        - route:
            id: straight-to-partner
            from:
              uri: gateway:referral
              steps:
                - to:
                    uri: https://partner.example.org/fhir
        """);
    browser.findElement(By.xpath("//button[text()='Save for every node']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.presenceOfElementLocated(By.id("route-file-problem")));
    assertThat(text("route-file-problem"))
        .isEqualTo(
            "bypass.yaml:6: route straight-to-partner sends to https:, which bypasses consent and"
                + " audit; deliver with gateway:deliver");
    assertThat(browser.findElement(By.cssSelector("#route-file-versions tbody")).getText())
        .isEqualTo("A new file: not saved yet");
    HeadlessChromium.screenshot(browser, "06-refused-route-file");

    // The same file through the deliver block: saved as version 1, in the operator's name.
    fillIn(
        "route-file-content",
        """
        - route:
            id: schools-neurodevelopmental
            from:
              uri: gateway:referral
              steps:
                - filter:
                    simple: "${body.pathway} == 'neurodevelopmental' && ${body.referrerKind} == 'school'"
                    steps:
                      - to:
                          uri: gateway:deliver
                          parameters:
                            service: camhs-spa
        """);
    String schools = browser.findElement(By.id("route-file-content")).getAttribute("value");
    fillIn("route-file-note", "Neurodevelopmental referrals from schools");
    browser.findElement(By.xpath("//button[text()='Save for every node']")).click();
    HeadlessChromium.waitFor(
        browser, ExpectedConditions.urlContains("/console/routes/file?name=bypass.yaml&saved"));
    List<WebElement> latest =
        browser.findElements(By.cssSelector("#route-file-versions tbody tr:first-child td"));
    assertThat(latest.get(0).getText()).isEqualTo("1");
    assertThat(latest.get(1).getText()).isEqualTo(ConsoleSignIn.OPERATOR);
    assertThat(latest.get(3).getText()).isEqualTo("Neurodevelopmental referrals from schools");
    // The editor now shows the saved version's text, as stored.
    assertThat(browser.findElement(By.id("route-file-content")).getAttribute("value"))
        .isEqualTo(schools);
    HeadlessChromium.screenshot(browser, "06b-saved-route-file");

    browser.findElement(By.xpath("//button[starts-with(text(), 'Delete this file')]")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlContains("/console/routes?deleted="));
    assertThat(browser.findElement(By.cssSelector("main p.message")).getText())
        .isEqualTo("Deleted bypass.yaml: its routes stop on every node");
  }

  /** Replaces a field's text as pasting would (typing YAML would re-indent nothing, but slowly). */
  private void fillIn(String id, String text) {
    ((JavascriptExecutor) browser)
        .executeScript("arguments[0].value = arguments[1];", browser.findElement(By.id(id)), text);
  }

  @Test
  @Order(8)
  void auditPageShowsTheTrailIntact() {
    browser.get(console("/console/audit"));
    assertThat(browser.findElement(By.id("audit-intact")).getText()).isEqualTo("true");
    HeadlessChromium.screenshot(browser, "07-audit");
  }

  @Test
  @Order(9)
  void consentPageListsTheDeliveryConsentHoldsBack() {
    // A voluntary-sector service needs the young person's explicit permit: none is recorded.
    Accepted held =
        accept(RoutingReferrals.referral().aged(17).pathway("eating-disorders").reason("72366004"));
    await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(held).get("status")));

    browser.get(console("/console/consent"));
    assertThat(browser.findElement(By.cssSelector("#consent-holds caption")).getText())
        .isEqualTo("1 deliveries held for consent");
    List<WebElement> cells = browser.findElements(By.cssSelector("#consent-holds tbody tr td"));
    assertThat(cells.get(0).getText()).isEqualTo(delivery(held).get("id"));
    assertThat(cells.get(1).getText()).isEqualTo(held.referral());
    assertThat(cells.get(3).getText()).isEqualTo("vcse-first-steps-ed");
    assertThat(cells.get(4).getText()).isEqualTo("explicit-permit-missing");
    assertThat(cells.get(5).getText()).isNotBlank();
    HeadlessChromium.screenshot(browser, "08-consent-holds");

    cells.get(1).findElement(By.tagName("a")).click();
    HeadlessChromium.waitFor(browser, ExpectedConditions.urlContains("/console/referrals/"));
    assertThat(browser.getCurrentUrl())
        .isEqualTo(console("/console/" + held.referral().replace("ServiceRequest/", "referrals/")));
    assertThat(browser.findElement(By.cssSelector("td.state-WITHHELD")).getText())
        .isEqualTo("WITHHELD");
  }

  private String console(String path) {
    return "http://localhost:" + port + path;
  }

  private String heading() {
    return browser.findElement(By.tagName("h1")).getText();
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }
}
