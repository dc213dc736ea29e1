package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A young person without an NHS number (newly arrived, not yet traced) is referred, routed by the
 * gateway's own Patient id, and later traced: the Task stops saying it awaits the trace, and a
 * number another record already has links the two.
 */
@EmbeddedGateway
class NhsNumberTraceTest {

  static final String LOCAL_SYSTEM = "https://northshire-camhs.example.org/Id/rio-number";
  static final String AWAITING_TRACE = "awaiting NHS number trace";

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void referralWithoutNhsNumberIsRoutedAndTheTraceClearsTheTask() {
    String localId = "RIO-" + UUID.randomUUID();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Not eating, newly arrived");
    String referrerId = referral.getIdentifierFirstRep().getValue();

    // POST /fhir: transaction, Patient matched on the sender's local identifier
    HttpResponse<String> raw =
        gateway.post("/fhir", "application/fhir+json", untracedReferral(localId, referral));
    HttpResponse<String> resent =
        gateway.post("/fhir", "application/fhir+json", untracedReferral(localId, referral));

    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    Bundle response = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, raw.body());
    String patientId = versionless(response.getEntry().get(0).getResponse().getLocation());
    String referralId = versionless(response.getEntry().get(1).getResponse().getLocation());
    assertThat(resent.statusCode()).isEqualTo(200);
    assertThat(
            versionless(
                GatewayClient.FHIR
                    .newJsonParser()
                    .parseResource(Bundle.class, resent.body())
                    .getEntry()
                    .get(0)
                    .getResponse()
                    .getLocation()))
        .as("resending finds the same young person")
        .isEqualTo(patientId);
    assertThat(isAwaitingTrace(trackingTask(referralId))).isTrue();
    // Urgent: the crisis team receives it, with no NHS number, by the gateway's Patient id.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
                    .anyMatch(e -> e.getRequest().getBodyAsString().contains(referrerId)));

    // PUT /fhir/Patient/{id}: the trace found the young person's NHS number
    Patient traced = read(patientId);
    String nhsNumber = NhsNumbers.next();
    traced.addIdentifier().setSystem(NhsNumbers.SYSTEM).setValue(nhsNumber);
    HttpResponse<String> updated = put(traced);

    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    Task task = trackingTask(referralId);
    assertThat(isAwaitingTrace(task)).isFalse();
    assertThat(task.getNote())
        .anySatisfy(n -> assertThat(n.getText()).isEqualTo("NHS number traced"));
    assertThat(read(patientId).getLink()).isEmpty();
  }

  @Test
  void aTracedNumberAnotherRecordHasLinksTheTwo() {
    String nhsNumber = NhsNumbers.next();
    Patient known = TestReferrals.youngPerson(nhsNumber);
    String knownId =
        gateway
            .fhir()
            .create()
            .resource(known)
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue();
    Bundle response =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                gateway
                    .post(
                        "/fhir",
                        "application/fhir+json",
                        untracedReferral(
                            "RIO-" + UUID.randomUUID(),
                            TestReferrals.eatingDisorderReferral("Low mood")))
                    .body());
    String newId = versionless(response.getEntry().get(0).getResponse().getLocation());

    Patient traced = read(newId);
    traced.addIdentifier().setSystem(NhsNumbers.SYSTEM).setValue(nhsNumber);
    HttpResponse<String> updated = put(traced);

    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(read(newId).getLink())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
              assertThat(l.getOther().getReference()).isEqualTo(knownId);
            });
    assertThat(read(knownId).getLink())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.getType()).isEqualTo(Patient.LinkType.REPLACES);
              assertThat(l.getOther().getReference()).isEqualTo(newId);
            });
    String referralId = versionless(response.getEntry().get(1).getResponse().getLocation());
    assertThat(isAwaitingTrace(trackingTask(referralId))).isFalse();
  }

  @Test
  void aTracedNumberWithAWrongCheckDigitIsRefused() {
    Patient untraced = TestReferrals.youngPerson(NhsNumbers.next());
    untraced.getIdentifier().clear();
    untraced.addIdentifier().setSystem(LOCAL_SYSTEM).setValue("RIO-" + UUID.randomUUID());
    String id =
        gateway
            .fhir()
            .create()
            .resource(untraced)
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue();
    Patient traced = read(id);
    traced.addIdentifier().setSystem(NhsNumbers.SYSTEM).setValue("9449305553");

    HttpResponse<String> response = put(traced);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(GatewayClient.outcome(response).getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.PROCESSING);
              assertThat(i.getExpression())
                  .extracting(e -> e.getValue())
                  .containsExactly("Patient.identifier[1].value");
              assertThat(i.getDiagnostics()).contains("check digit");
            });
    assertThat(read(id).getIdentifier()).hasSize(1);
  }

  private static String untracedReferral(String localId, ServiceRequest referral) {
    Patient patient = TestReferrals.youngPerson(NhsNumbers.next());
    patient.getIdentifier().clear();
    patient.addIdentifier().setSystem(LOCAL_SYSTEM).setValue(localId);
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    bundle
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(patient)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=" + LOCAL_SYSTEM + "|" + localId);
    ServiceRequest copy = referral.copy();
    copy.setSubject(new Reference(patientUrl));
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(copy)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("ServiceRequest");
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(bundle);
  }

  private Task trackingTask(String referralId) {
    Bundle tasks =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Bundle.class, gateway.get("/fhir/Task?focus=" + referralId).body());
    assertThat(tasks.getEntry()).hasSize(1);
    return (Task) tasks.getEntryFirstRep().getResource();
  }

  private static boolean isAwaitingTrace(Task task) {
    return task.getInput().stream().anyMatch(i -> AWAITING_TRACE.equals(i.getType().getText()));
  }

  private Patient read(String id) {
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Patient.class, gateway.get("/fhir/" + id).body());
  }

  private HttpResponse<String> put(Patient patient) {
    String id = patient.getIdElement().toUnqualifiedVersionless().getValue();
    patient.setMeta(null);
    return gateway.send(
        gateway
            .request("/fhir/" + id)
            .header("Content-Type", "application/fhir+json")
            .header("Accept", "application/fhir+json")
            .PUT(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    GatewayClient.FHIR.newJsonParser().encodeResourceToString(patient))));
  }

  private static String versionless(String location) {
    return location.replaceAll("/_history/.*", "");
  }
}
