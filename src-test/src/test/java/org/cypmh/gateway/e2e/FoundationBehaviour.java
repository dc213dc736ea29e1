package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.MethodOutcome;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.cypmh.gateway.fhir.FhirServerProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * What every deployment of the gateway must do, whatever its database: store and return referrals,
 * find them by NHS number and by words, page and include, and answer bad input with an
 * OperationOutcome and the right status. Subclasses choose the storage.
 */
@AutoConfigureObservability
abstract class FoundationBehaviour {

  @LocalServerPort int port;
  @Autowired FhirServerProperties fhirProperties;
  @Autowired DaoRegistry daoRegistry;
  @Autowired ApplicationContext applicationContext;

  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void camelDoesNotInspectTheBeansMadeForEachRequest() {
    // HAPI makes prototype beans for every search and transaction; Camel's Spring post-processor
    // would reflect over each of them looking for Camel annotations the gateway does not use.
    assertThat(
            applicationContext
                .getBean(org.apache.camel.spring.spi.CamelBeanPostProcessor.class)
                .isEnabled())
        .isFalse();
  }

  @Test
  void transactionBundleStoresPatientAndReferralThatReadBack() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");

    Bundle response =
        gateway
            .fhir()
            .transaction()
            .withBundle(TestReferrals.transaction(nhsNumber, referral))
            .execute();

    assertThat(response.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("201 Created", "201 Created");
    String patientId = response.getEntry().get(0).getResponse().getLocation();
    String referralId = response.getEntry().get(1).getResponse().getLocation();
    Patient storedPatient =
        gateway.fhir().read().resource(Patient.class).withUrl(patientId).execute();
    ServiceRequest storedReferral =
        gateway.fhir().read().resource(ServiceRequest.class).withUrl(referralId).execute();
    assertThat(storedPatient.getIdentifierFirstRep().getValue()).isEqualTo(nhsNumber);
    assertThat(storedReferral.getSubject().getReference())
        .isEqualTo(storedPatient.getIdElement().toUnqualifiedVersionless().getValue());
    assertThat(storedReferral.getIdentifierFirstRep().getValue())
        .isEqualTo(referral.getIdentifierFirstRep().getValue());
  }

  @Test
  void secondReferralForSameNhsNumberReusesThePatient() {
    String nhsNumber = NhsNumbers.next();
    Bundle first = post(nhsNumber, "Low mood");
    Bundle second = post(nhsNumber, "Self-harm");

    assertThat(second.getEntry().get(0).getResponse().getStatus()).isEqualTo("200 OK");
    assertThat(idOf(second, 0)).isEqualTo(idOf(first, 0));
    Bundle patients =
        gateway
            .fhir()
            .search()
            .forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode(NhsNumbers.SYSTEM, nhsNumber))
            .returnBundle(Bundle.class)
            .execute();
    assertThat(patients.getTotal()).isEqualTo(1);
  }

  @Test
  void referralsAreFoundByThePatientsNhsNumber() {
    String nhsNumber = NhsNumbers.next();
    Bundle first = post(nhsNumber, "Anxiety");
    Bundle second = post(nhsNumber, "Panic attacks");
    post(NhsNumbers.next(), "Someone else's referral");

    HttpResponse<String> response =
        gateway.get(
            "/fhir/ServiceRequest?subject:identifier=" + NhsNumbers.SYSTEM + "%7C" + nhsNumber);

    assertThat(response.statusCode()).isEqualTo(200);
    Bundle found = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    assertThat(found.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactlyInAnyOrder(idOf(first, 1), idOf(second, 1));
  }

  @Test
  void fullTextSearchFindsReferralByWordsInIt() {
    String word = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Bundle created = post(NhsNumbers.next(), "Worries about " + word + " at school");

    Bundle found =
        gateway
            .fhir()
            .search()
            .byUrl("ServiceRequest?_content=" + word)
            .returnBundle(Bundle.class)
            .execute();

    assertThat(found.getEntry())
        .extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(idOf(created, 1));
  }

  @Test
  void searchResultsArePagedAndIncludeTheSubject() {
    String nhsNumber = NhsNumbers.next();
    for (int i = 0; i < 3; i++) {
      post(nhsNumber, "Referral " + i);
    }
    String query =
        "ServiceRequest?subject:identifier="
            + NhsNumbers.SYSTEM
            + "|"
            + nhsNumber
            + "&_include=ServiceRequest:subject&_count=2";

    Bundle page1 = gateway.fhir().search().byUrl(query).returnBundle(Bundle.class).execute();
    Bundle page2 = gateway.fhir().loadPage().next(page1).execute();

    assertThat(
            Stream.of(page1, page2)
                .flatMap(b -> b.getEntry().stream())
                .filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH))
        .hasSize(3);
    assertThat(page1.getEntry())
        .filteredOn(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE)
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Patient");
    assertThat(page2.getLink(Bundle.LINK_NEXT)).isNull();
  }

  @Test
  void updatesAreKeptInHistory() {
    Bundle created = post(NhsNumbers.next(), "Low mood");
    ServiceRequest referral =
        gateway.fhir().read().resource(ServiceRequest.class).withId(idOf(created, 1)).execute();
    referral.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);

    MethodOutcome updated = gateway.fhir().update().resource(referral).execute();
    Bundle history =
        gateway
            .fhir()
            .history()
            .onInstance(referral.getIdElement().toVersionless())
            .returnBundle(Bundle.class)
            .execute();

    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
    assertThat(history.getEntry())
        .extracting(e -> ((ServiceRequest) e.getResource()).getStatus())
        .containsExactly(
            ServiceRequest.ServiceRequestStatus.REVOKED,
            ServiceRequest.ServiceRequestStatus.ACTIVE);
  }

  @Test
  void batchBundleAnswersEachEntrySeparately() {
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    batch
        .addEntry()
        .setResource(TestReferrals.youngPerson(NhsNumbers.next()))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient/does-not-exist");

    Bundle response = gateway.fhir().transaction().withBundle(batch).execute();

    assertThat(response.getEntry())
        .extracting(e -> e.getResponse().getStatus().substring(0, 3))
        .containsExactly("201", "404");
  }

  @Test
  void capabilityStatementDescribesTheReferralApi() {
    CapabilityStatement capabilities =
        gateway.fhir().capabilities().ofType(CapabilityStatement.class).execute();

    var rest = capabilities.getRestFirstRep();
    assertThat(rest.getInteraction())
        .extracting(i -> i.getCode().toCode())
        .contains("transaction", "history-system");
    assertThat(rest.getResource())
        .filteredOn(r -> r.getType().equals("ServiceRequest"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getSearchParam())
                    .extracting(p -> p.getName())
                    .contains("subject", "identifier", "_content"));
  }

  @Test
  void malformedJsonIsRejectedWith400() {
    HttpResponse<String> response =
        gateway.post(
            "/fhir/ServiceRequest",
            "application/fhir+json",
            "{\"resourceType\": \"ServiceRequest\", ");

    assertClientError(response, 400);
  }

  @Test
  void malformedXmlIsRejectedWith400() {
    HttpResponse<String> response =
        gateway.post(
            "/fhir/ServiceRequest",
            "application/fhir+xml",
            "<ServiceRequest xmlns=\"http://hl7.org/fhir\"><status");

    assertClientError(response, 400);
  }

  @Test
  void unknownResourceTypeIsRejectedWith404() {
    assertClientError(gateway.get("/fhir/Referral/1"), 404);
  }

  @Test
  void onlyTheServedResourceTypesHaveStorageAndEndpoints() {
    Set<String> served = new TreeSet<>(fhirProperties.resourceTypes());
    served.add("SearchParameter");
    served.remove("AuditEvent");

    assertThat(daoRegistry.getRegisteredDaoTypes()).containsExactlyInAnyOrderElementsOf(served);
    // HAPI defines a DAO bean for each of its 146 R4 types; the others are never created.
    assertThat(applicationContext.getBeanNamesForType(IFhirResourceDao.class))
        .hasSize(served.size())
        .contains("myServiceRequestDaoR4")
        .doesNotContain("myAccountDaoR4");
    // A FHIR type the gateway does not serve is unknown here, as a made-up one is.
    assertClientError(gateway.get("/fhir/Account/1"), 404);
  }

  @Test
  void unknownIdIsRejectedWith404() {
    assertClientError(gateway.get("/fhir/ServiceRequest/" + UUID.randomUUID()), 404);
  }

  @Test
  void bodyOverTheLimitIsRejectedWith413() {
    String oversized =
        "{\"resourceType\":\"Patient\",\"text\":\""
            + "x".repeat((int) fhirProperties.maxRequestSize().toBytes())
            + "\"}";

    assertClientError(gateway.post("/fhir/Patient", "application/fhir+json", oversized), 413);
  }

  @Test
  void chunkedBodyOverTheLimitIsCutOffWith413() {
    long limit = fhirProperties.maxRequestSize().toBytes();
    byte[] chunk = "x".repeat(64 * 1024).getBytes();
    List<byte[]> chunks = Stream.generate(() -> chunk).limit(limit / chunk.length + 2).toList();
    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/fhir/Patient")
                .header("Content-Type", "application/fhir+json")
                // An iterable publisher has no known length, so the body goes out chunked.
                .POST(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofByteArrays(chunks))));

    assertClientError(response, 413);
  }

  @Test
  void healthReportsDatabaseAndReadiness() {
    HttpResponse<String> health = gateway.send(gateway.request("/actuator/health").GET());
    HttpResponse<String> readiness =
        gateway.send(gateway.request("/actuator/health/readiness").GET());
    HttpResponse<String> metrics = gateway.send(gateway.request("/actuator/prometheus").GET());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(readiness.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("http_server_requests_seconds_count", "hikaricp_connections");
  }

  private static void assertClientError(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    OperationOutcome outcome = GatewayClient.outcome(response);
    assertThat(outcome.getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isNotBlank();
    assertThat(response.body()).doesNotContain("at ca.uhn", "at org.", "Exception:", ".java:");
  }

  Bundle post(String nhsNumber, String reason) {
    return gateway
        .fhir()
        .transaction()
        .withBundle(
            TestReferrals.transaction(nhsNumber, TestReferrals.eatingDisorderReferral(reason)))
        .execute();
  }

  static String idOf(Bundle transactionResponse, int entry) {
    return new org.hl7.fhir.r4.model.IdType(
            transactionResponse.getEntry().get(entry).getResponse().getLocation())
        .getIdPart();
  }
}
