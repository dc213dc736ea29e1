package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The partners the gateway delivers to in end-to-end tests: one WireMock HTTPS server that requires
 * the gateway's client certificate (mTLS), answering every demo service's path like a FHIR server
 * would. The gateway gets a route folder of its own (a copy of the demo routes and directory, so
 * tests can edit it), the partner base URL, the client certificate, and retry timings short enough
 * for tests.
 */
class PartnerNetwork implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final PartnerPki PKI = PartnerPki.create(Path.of("target/partner-pki"));
  static final Partners PARTNERS = startWithFhirAnswers();

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    Path folder = routeFolderCopy();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "partner-network",
                Map.ofEntries(
                    Map.entry("routes.folder", folder.toAbsolutePath().toString()),
                    Map.entry("routes.demo.partner-base-url", PARTNERS.baseUrl()),
                    Map.entry(
                        "routes.credentials.demo-partners.key-store",
                        PKI.clientKeyStore().toAbsolutePath().toString()),
                    Map.entry(
                        "routes.credentials.demo-partners.key-store-password", PKI.password()),
                    Map.entry(
                        "routes.credentials.demo-partners.trust-store",
                        PKI.trustStore().toAbsolutePath().toString()),
                    Map.entry(
                        "routes.credentials.demo-partners.trust-store-password", PKI.password()),
                    Map.entry("routes.outbox.poll-interval", "100ms"),
                    // Asynchronous BaRS answers to a referrer's own URL go over the same mTLS.
                    Map.entry("gateway.bars.reply-credentials", "demo-partners"),
                    Map.entry("gateway.bars.reply-hosts", "localhost"),
                    // Brief interventions of one young person within 2 s travel as one summary.
                    Map.entry("gateway.interventions.summary-period", "PT2S"),
                    // A partner whose unmapped local codes are accepted and flagged.
                    Map.entry(
                        "gateway.interventions.partners.[8ZZ09].concept-maps[0]",
                        "https://cypmh-gateway.org/fhir/ConceptMap/vcse-first-steps-interventions-to-snomed"),
                    Map.entry("gateway.interventions.partners.[8ZZ09].accept-unmapped", "true"),
                    Map.entry("routes.delivery.poll-interval", "300ms"),
                    Map.entry("routes.delivery.max-redeliveries", "2"),
                    Map.entry("routes.delivery.redelivery-delay", "100ms"),
                    Map.entry("routes.delivery.max-redelivery-delay", "1s"),
                    Map.entry("routes.delivery.response-timeout", "3s"),
                    // Failure tests must not open a breaker that other tests then run into.
                    Map.entry("routes.delivery.breaker-failure-rate", "100"),
                    Map.entry("routes.delivery.breaker-open-for", "200ms"))));
  }

  /**
   * Command-line settings that point a gateway process at the partners, with its own route folder
   * copy; {@code extra} settings follow.
   */
  static String[] processSettings(String... extra) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "routes.folder=" + routeFolderCopy().toAbsolutePath(),
                "routes.demo.partner-base-url=" + PARTNERS.baseUrl(),
                "routes.credentials.demo-partners.key-store="
                    + PKI.clientKeyStore().toAbsolutePath(),
                "routes.credentials.demo-partners.key-store-password=" + PKI.password(),
                "routes.credentials.demo-partners.trust-store=" + PKI.trustStore().toAbsolutePath(),
                "routes.credentials.demo-partners.trust-store-password=" + PKI.password()));
    settings.addAll(List.of(extra));
    return settings.toArray(String[]::new);
  }

  /**
   * Settings for a packaged gateway process on a PostgreSQL database ({@code jdbcUrl}: the test's
   * own database, directly or through a relay) with audit keys generated under {@code root} and the
   * per-request log lines off, talking to the demo partners; then the test's own settings.
   */
  static String[] onPostgres(String jdbcUrl, String user, Path root, String... extra) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "spring.profiles.active=postgres",
                "GATEWAY_DB_URL=" + jdbcUrl,
                "GATEWAY_DB_USER=" + user,
                "GATEWAY_DB_PASSWORD=",
                // An operator migrates a new database (README "Upgrading"); so do the tests.
                "GATEWAY_SCHEMA_MIGRATE_ON_START=true",
                "GATEWAY_AUDIT_KEYSTORE=" + root.resolve("audit.p12"),
                "GATEWAY_AUDIT_KEYSTORE_PASSWORD=e2e-audit-keys",
                "gateway.audit.keys.generate=true",
                "logging.level.org.cypmh.gateway.requests=WARN"));
    settings.addAll(List.of(extra));
    return processSettings(settings.toArray(String[]::new));
  }

  /** The route folder of one test context: its own copy of the packaged demo routes. */
  static Path routeFolderCopy() {
    Path folder = Path.of("target/e2e-routes", UUID.randomUUID().toString());
    try {
      Files.createDirectories(folder.resolve("directory"));
      copy("routes/demo/referral-pathways.yaml", folder.resolve("referral-pathways.yaml"));
      copy(
          "routes/demo/directory/demo-directory.json",
          folder.resolve("directory/demo-directory.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return folder;
  }

  private static void copy(String classpathResource, Path target) throws IOException {
    try (InputStream in =
        PartnerNetwork.class.getClassLoader().getResourceAsStream(classpathResource)) {
      Files.copy(in, target);
    }
  }

  /**
   * Every partner accepts by default: a transaction-response for FHIR REST, a response message for
   * BaRS. Tests add higher-priority stubs for the referral they are about.
   */
  private static Partners startWithFhirAnswers() {
    Partners partners = Partners.start(PKI);
    partners
        .server()
        .stubFor(
            post(urlMatching("/[a-z-]+/fhir")).atPriority(10).willReturn(transactionAccepted()));
    partners
        .server()
        .stubFor(
            post(urlMatching("/[a-z-]+/fhir/\\$process-message"))
                .atPriority(10)
                .willReturn(messageAccepted()));
    return partners;
  }

  /**
   * A rest-hook Subscription (requested) notifying {@code path} on the partners' server, through
   * the demo partner credentials (the server requires the gateway's client certificate).
   */
  static Subscription subscription(String criteria, String path, String reason) {
    Subscription subscription = new Subscription();
    subscription.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason(reason);
    subscription.setCriteria(criteria);
    subscription
        .getChannel()
        .setType(Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint(PARTNERS.baseUrl() + path)
        .setPayload("application/fhir+json");
    subscription.addExtension(
        "https://cypmh-gateway.org/fhir/StructureDefinition/endpoint-credentials",
        new StringType("demo-partners"));
    return subscription;
  }

  /** A partner's FHIR REST answer to a referral transaction: Patient found, referral created. */
  static ResponseDefinitionBuilder transactionAccepted() {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\","
                + "\"entry\":[{\"response\":{\"status\":\"200 OK\","
                + "\"location\":\"Patient/p1/_history/1\"}},"
                + "{\"response\":{\"status\":\"201 Created\","
                + "\"location\":\"ServiceRequest/partner-sr-1/_history/1\"}}]}");
  }

  /** A partner's BaRS answer to a message: taken. */
  static ResponseDefinitionBuilder messageAccepted() {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody("{\"resourceType\":\"Bundle\",\"type\":\"message\"}");
  }
}
