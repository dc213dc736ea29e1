package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The packaged CYPMH examples against the running gateway: every valid one is stored, every invalid
 * one is refused with 422 and an issue at the element the example breaks.
 */
@EmbeddedGateway
class ProfileValidationTest {

  private static final ConformancePackage PACKAGE = ConformancePackage.load(GatewayClient.FHIR);

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void everyValidExampleIsStored() {
    // One transaction, so the examples' references to each other resolve; what they reference
    // beyond the examples (organisations, practitioners, ...) is stubbed as a partner would hold
    // it.
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Set<String> present = new HashSet<>();
    List<Resource> valid =
        PACKAGE.examples().stream()
            .filter(ConformancePackage.Example::valid)
            .map(e -> (Resource) e.resource().copy())
            .toList();
    valid.forEach(r -> present.add(r.fhirType() + "/" + r.getIdPart()));
    valid.forEach(r -> put(transaction, r));
    valid.stream()
        .flatMap(
            r ->
                GatewayClient.FHIR
                    .newTerser()
                    .getAllPopulatedChildElementsOfType(r, Reference.class)
                    .stream())
        .map(Reference::getReference)
        .filter(ref -> ref != null && ref.contains("/") && present.add(ref))
        // Leave what the demo directory already holds (e.g. the GP practice) as it is.
        .filter(ref -> gateway.get("/fhir/" + ref).statusCode() == 404)
        .forEach(ref -> put(transaction, Stubs.of(ref)));

    HttpResponse<String> raw = gateway.post("/fhir", transaction);
    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    Bundle response = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, raw.body());

    assertThat(response.getEntry())
        .hasSize(transaction.getEntry().size())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).startsWith("201"));
    assertThat(valid).hasSize(15);
  }

  @TestFactory
  Stream<DynamicTest> everyInvalidExampleIsRefusedAtTheElementItBreaks() throws IOException {
    JsonNode expected = expectedIssues();
    List<ConformancePackage.Example> invalid =
        PACKAGE.examples().stream().filter(e -> !e.valid()).toList();
    assertThat(invalid).hasSize(expected.size());
    return invalid.stream()
        .map(
            example ->
                DynamicTest.dynamicTest(
                    example.path(),
                    () -> {
                      String file = example.path().substring(example.path().lastIndexOf('/') + 1);
                      JsonNode issue = expected.get(file);
                      Resource resource = (Resource) example.resource();

                      HttpResponse<String> response =
                          gateway.post(
                              "/fhir/" + resource.fhirType(),
                              "application/fhir+json",
                              GatewayClient.FHIR.newJsonParser().encodeResourceToString(resource));

                      assertThat(response.statusCode()).as(file).isEqualTo(422);
                      assertThat(GatewayClient.outcome(response).getIssue())
                          .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
                          .anySatisfy(
                              i -> {
                                assertThat(i.getExpression())
                                    .extracting(e -> e.getValue())
                                    .contains(issue.get("expression").asText());
                                assertThat(i.getDiagnostics())
                                    .contains(issue.get("messageContains").asText());
                              });
                    }));
  }

  @Test
  void referralWithASnomedCodeOutsideTheReasonsValueSetIsRefused() {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Crisis");
    referral.setSubject(new Reference("Patient/" + gateway.createYoungPerson()));
    // 24172008 Crisis intervention is a real SNOMED CT concept, but an intervention, not a reason.
    referral
        .getReasonCodeFirstRep()
        .addCoding()
        .setSystem("http://snomed.info/sct")
        .setCode("24172008");

    HttpResponse<String> response = gateway.post("/fhir/ServiceRequest", referral);

    assertRefusedAt(response, "ServiceRequest.reasonCode[0].coding[0]");
  }

  @Test
  void errorsInsideATransactionNameTheEntry() {
    Bundle bundle = referralTransactionWithoutPriority();

    HttpResponse<String> response = gateway.post("/fhir", bundle);

    assertRefusedAt(response, "Bundle.entry[1].resource.priority");
  }

  /**
   * A refusal is the partner's mistake, not the gateway's error: answered, and logged once as the
   * request's outcome, never as an ERROR with a stack trace (HAPI reports every exception a hook
   * throws so, unless the gateway's log filter drops it).
   */
  @Test
  void aRefusedPayloadIsLoggedAsItsOutcomeNotAsAnError() {
    Bundle bundle = referralTransactionWithoutPriority();
    ListAppender<ILoggingEvent> hapiHooks =
        capture("ca.uhn.fhir.interceptor.executor.BaseInterceptorService");
    ListAppender<ILoggingEvent> outcomes = capture("org.cypmh.gateway.requests");
    HttpResponse<String> response;
    try {
      response = gateway.post("/fhir", bundle);
    } finally {
      release("ca.uhn.fhir.interceptor.executor.BaseInterceptorService", hapiHooks);
      release("org.cypmh.gateway.requests", outcomes);
    }

    assertRefusedAt(response, "Bundle.entry[1].resource.priority");
    assertThat(hapiHooks.list).isEmpty();
    assertThat(outcomes.list).hasSize(1);
    assertThat(outcomes.list.get(0).getLevel()).isEqualTo(Level.INFO);
    assertThat(outcomes.list.get(0).getKeyValuePairs())
        .extracting(pair -> pair.key + "=" + pair.value)
        .contains("operation=transaction", "status=422");
  }

  /** A referral transaction whose referral lacks the priority the CYPMH profile requires. */
  private static Bundle referralTransactionWithoutPriority() {
    Bundle bundle =
        TestReferrals.transaction(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"));
    ((ServiceRequest) bundle.getEntry().get(1).getResource()).setPriority(null);
    return bundle;
  }

  private static ListAppender<ILoggingEvent> capture(String loggerName) {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(appender);
    return appender;
  }

  private static void release(String loggerName, ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(loggerName)).detachAppender(appender);
  }

  @Test
  void validateOperationReportsTheSameIssuesAsIntake() {
    Resource invalid =
        (Resource)
            PACKAGE.examples().stream()
                .filter(e -> e.path().endsWith("cypmh-patient--no-birth-date.json"))
                .findFirst()
                .orElseThrow()
                .resource();
    Resource valid =
        (Resource)
            PACKAGE.examples().stream()
                .filter(e -> e.path().endsWith("cypmh-patient--camhs-young-person.json"))
                .findFirst()
                .orElseThrow()
                .resource();

    HttpResponse<String> refused = gateway.post("/fhir/Patient/$validate", invalid);
    HttpResponse<String> accepted = gateway.post("/fhir/Patient/$validate", valid);

    assertRefusedAt(refused, "Patient.birthDate");
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(GatewayClient.outcome(accepted).getIssue())
        .noneMatch(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
  }

  @Test
  void profilesArePublishedForPartnersToRead() {
    Bundle found =
        gateway
            .fhir()
            .search()
            .byUrl("StructureDefinition?url=" + ConformancePackage.REFERRAL)
            .returnBundle(Bundle.class)
            .execute();

    assertThat(found.getTotal()).isEqualTo(1);
  }

  /** 422, with an issue at exactly this FHIRPath. */
  private static void assertRefusedAt(HttpResponse<String> response, String expression) {
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(GatewayClient.outcome(response).getIssue())
        .anySatisfy(
            i -> assertThat(i.getExpression()).extracting(e -> e.getValue()).contains(expression));
  }

  private void put(Bundle transaction, Resource resource) {
    String url = resource.fhirType() + "/" + resource.getIdPart();
    transaction
        .addEntry()
        .setFullUrl("http://localhost:" + port + "/fhir/" + url)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(url);
  }

  private static JsonNode expectedIssues() throws IOException {
    try (InputStream in =
        ConformancePackage.class.getResourceAsStream("/examples/invalid/expected-issues.json")) {
      return new ObjectMapper().readTree(in);
    }
  }
}
