package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Referral intake as provider systems use it: REST create, transaction Bundle and BaRS message;
 * each referral is stored once, tracked by a Task, and queued for routing in the same transaction.
 * Subclasses choose the storage: concurrency and constraints behave differently on H2 and
 * PostgreSQL, and production runs on PostgreSQL.
 */
abstract class IntakeBehaviour {

  @LocalServerPort int port;
  @Autowired JdbcTemplate database;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void restReferralIsTrackedAndARepeatReturnsTheOriginal() {
    String patient = gateway.createYoungPerson();
    String body = json(referralFor(patient));

    HttpResponse<String> first =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", body);
    HttpResponse<String> repeat =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(repeat.statusCode()).isEqualTo(200);
    String referralId = idFromLocation(first);
    assertThat(idFromLocation(repeat)).isEqualTo(referralId);
    String taskId = first.headers().firstValue("X-Referral-Task").orElseThrow();
    assertThat(repeat.headers().firstValue("X-Referral-Task")).hasValue(taskId);
    Task task = gateway.fhir().read().resource(Task.class).withUrl(taskId).execute();
    // Routing may already have delivered it (received) by the time we look.
    assertThat(task.getStatus()).isIn(Task.TaskStatus.REQUESTED, Task.TaskStatus.RECEIVED);
    assertThat(task.getFocus().getReference()).isEqualTo("ServiceRequest/" + referralId);
    assertThat(task.getFor().getReference()).isEqualTo("Patient/" + patient);
    assertThat(task.getRequester().getIdentifier().getValue()).isEqualTo("8HV48");
    assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED");
  }

  @Test
  void twentyConcurrentIdenticalReferralsStoreExactlyOne() throws Exception {
    String body = json(referralFor(gateway.createYoungPerson()));
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<CompletableFuture<HttpResponse<String>>> calls =
          IntStream.range(0, 20)
              .mapToObj(
                  i ->
                      CompletableFuture.supplyAsync(
                          () -> gateway.post("/fhir/ServiceRequest", "application/fhir+json", body),
                          pool))
              .toList();
      List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

      assertThat(responses)
          .extracting(HttpResponse::statusCode)
          .containsOnly(200, 201)
          .containsOnlyOnce(201);
      assertThat(responses)
          .extracting(IntakeBehaviour::idFromLocation)
          .containsOnly(idFromLocation(responses.get(0)));
      String referralId = idFromLocation(responses.get(0));
      assertThat(tasksFocusedOn(referralId)).hasSize(1);
      assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void transactionResubmissionReturnsTheSameResources() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Bingeing");
    Bundle first =
        gateway
            .fhir()
            .transaction()
            .withBundle(TestReferrals.transaction(nhsNumber, referral.copy()))
            .execute();
    Bundle repeat =
        gateway
            .fhir()
            .transaction()
            .withBundle(TestReferrals.transaction(nhsNumber, referral.copy()))
            .execute();

    assertThat(repeat.getEntry())
        .extracting(e -> e.getResponse().getStatus())
        .containsExactly("200 OK", "200 OK");
    assertThat(FoundationBehaviour.idOf(repeat, 1)).isEqualTo(FoundationBehaviour.idOf(first, 1));
    assertThat(first.getEntry().get(1).getResponse().getOutcome())
        .isInstanceOfSatisfying(
            OperationOutcome.class,
            o -> assertThat(o.getIssueFirstRep().getDiagnostics()).contains("is tracked by Task/"));
    assertThat(outboxEvents(FoundationBehaviour.idOf(first, 1)))
        .containsExactly("REFERRAL_ACCEPTED");
  }

  @Test
  void restResubmissionWithChangedContentIsAConflictAndGoesInAsAnUpdate() {
    ServiceRequest referral = referralFor(gateway.createYoungPerson());
    HttpResponse<String> first =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", json(referral));
    String referralId = idFromLocation(first);
    ServiceRequest changed =
        referral.copy().setPriority(ServiceRequest.ServiceRequestPriority.ROUTINE);
    changed.getNoteFirstRep().setText("Eating better; still low.");

    HttpResponse<String> resent =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", json(changed));

    assertThat(resent.statusCode()).isEqualTo(409);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        GatewayClient.outcome(resent).getIssueFirstRep();
    assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.CONFLICT);
    assertThat(issue.getExpression())
        .extracting(e -> e.getValue())
        .containsExactly("ServiceRequest.identifier");
    assertThat(issue.getDiagnostics())
        .startsWith(
            "A referral with this referrer identifier is already held (ServiceRequest/"
                + referralId
                + ") with different content (ServiceRequest.priority, ServiceRequest.note).");
    assertThat(
            gateway
                .fhir()
                .read()
                .resource(ServiceRequest.class)
                .withId(referralId)
                .execute()
                .getPriority())
        .isEqualTo(ServiceRequest.ServiceRequestPriority.URGENT);
    assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED");

    // Sent as what it is, an update on the referrer's identifier, the change is taken.
    HttpResponse<String> updated =
        gateway.send(
            gateway
                .request(
                    "/fhir/ServiceRequest?identifier="
                        + referral.getIdentifierFirstRep().getSystem()
                        + "%7C"
                        + referral.getIdentifierFirstRep().getValue())
                .header("Content-Type", "application/fhir+json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json(changed))));

    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    ServiceRequest stored =
        gateway.fhir().read().resource(ServiceRequest.class).withId(referralId).execute();
    assertThat(stored.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.ROUTINE);
    assertThat(stored.getMeta().getVersionId()).isEqualTo("2");
    assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED", "REFERRAL_UPDATED");
  }

  @Test
  void barsNewReferralResentWithChangedContentIsRefusedAsRecConflict() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
    Bundle created = processMessage(TestMessages.referral(nhsNumber, referral.copy(), "new"));
    String referralId = created.getEntry().get(1).getResource().getIdElement().getIdPart();

    HttpResponse<String> resent =
        postMessage(
            TestMessages.referral(
                nhsNumber,
                referral.copy().setPriority(ServiceRequest.ServiceRequestPriority.STAT),
                "new"));

    assertThat(resent.statusCode()).isEqualTo(409);
    assertThat(GatewayClient.barsCode(resent)).isEqualTo("REC_CONFLICT");
    assertThat(GatewayClient.outcome(resent).getIssueFirstRep().getDiagnostics())
        .startsWith(
            "A referral with this referrer identifier is already held (ServiceRequest/"
                + referralId
                + ") with different content (ServiceRequest.priority).");
    assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED");
  }

  @Test
  void barsMessageIsAnsweredWithAResponseMessageAndStoredOnce() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Self-harm");

    Bundle firstMessage = TestMessages.referral(nhsNumber, referral.copy(), "new");
    Bundle response = processMessage(firstMessage);
    Bundle repeat = processMessage(TestMessages.referral(nhsNumber, referral.copy(), "new"));

    MessageHeader header = (MessageHeader) response.getEntryFirstRep().getResource();
    assertThat(header.getResponse().getCode()).isEqualTo(MessageHeader.ResponseType.OK);
    assertThat(response.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("MessageHeader", "ServiceRequest", "Task", "OperationOutcome");
    // What validation tolerated comes back to the sender, as warnings only.
    assertThat(((OperationOutcome) response.getEntry().get(3).getResource()).getIssue())
        .isNotEmpty()
        .allSatisfy(
            i -> assertThat(i.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING));
    String referralId = response.getEntry().get(1).getResource().getIdElement().getIdPart();
    assertThat(repeat.getEntry().get(1).getResource().getIdElement().getIdPart())
        .isEqualTo(referralId);
    assertThat(((Task) response.getEntry().get(2).getResource()).getFocus().getReference())
        .isEqualTo("ServiceRequest/" + referralId);
    assertThat(outboxEvents(referralId)).containsExactly("REFERRAL_ACCEPTED");
    // The message is kept as received, in the same transaction as the referral.
    Bundle kept =
        gateway
            .fhir()
            .search()
            .byUrl("Bundle?identifier=urn:ietf:rfc:3986|" + firstMessage.getIdentifier().getValue())
            .returnBundle(Bundle.class)
            .execute();
    assertThat(kept.getEntry())
        .singleElement()
        .satisfies(
            e ->
                assertThat(
                        ((MessageHeader)
                                ((Bundle) e.getResource()).getEntryFirstRep().getResource())
                            .getFocusFirstRep()
                            .getReference())
                    .isEqualTo(
                        ((MessageHeader) firstMessage.getEntryFirstRep().getResource())
                            .getFocusFirstRep()
                            .getReference()));
  }

  @Test
  void barsUpdateChangesTheReferralAndACancellationCancelsItsTask() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
    Bundle created = processMessage(TestMessages.referral(nhsNumber, referral.copy(), "new"));
    String referralId = created.getEntry().get(1).getResource().getIdElement().getIdPart();

    ServiceRequest changed =
        referral.copy().setPriority(ServiceRequest.ServiceRequestPriority.ASAP);
    processMessage(TestMessages.referral(nhsNumber, changed, "update"));
    ServiceRequest cancelled =
        changed.copy().setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
    Bundle afterCancel = processMessage(TestMessages.referral(nhsNumber, cancelled, "update"));

    ServiceRequest stored =
        gateway.fhir().read().resource(ServiceRequest.class).withId(referralId).execute();
    assertThat(stored.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.ASAP);
    assertThat(stored.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
    assertThat(afterCancel.getEntry().get(1).getResource().getIdElement().getIdPart())
        .isEqualTo(referralId);
    assertThat(tasksFocusedOn(referralId))
        .singleElement()
        .satisfies(t -> assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
    assertThat(outboxEvents(referralId))
        .containsExactly("REFERRAL_ACCEPTED", "REFERRAL_UPDATED", "REFERRAL_CANCELLED");
  }

  @Test
  void restCancellationCancelsTheTrackingTask() {
    HttpResponse<String> created =
        gateway.post(
            "/fhir/ServiceRequest",
            "application/fhir+json",
            json(referralFor(gateway.createYoungPerson())));
    ServiceRequest referral =
        gateway
            .fhir()
            .read()
            .resource(ServiceRequest.class)
            .withId(idFromLocation(created))
            .execute();

    referral.setStatus(ServiceRequest.ServiceRequestStatus.ENTEREDINERROR);
    gateway.fhir().update().resource(referral).execute();

    assertThat(tasksFocusedOn(referral.getIdPart()))
        .singleElement()
        .satisfies(t -> assertThat(t.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED));
  }

  @Test
  void referralForAnUnknownPatientIsRefusedWith404() {
    ServiceRequest referral = referralFor("does-not-exist");

    HttpResponse<String> response =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", json(referral));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        .contains("ServiceRequest.subject");
    assertThat(searchByIdentifier(referral)).isZero();
  }

  @Test
  void updateAgainstAStaleVersionIsRefusedWith409() {
    HttpResponse<String> created =
        gateway.post(
            "/fhir/ServiceRequest",
            "application/fhir+json",
            json(referralFor(gateway.createYoungPerson())));
    String id = idFromLocation(created);
    ServiceRequest referral =
        gateway.fhir().read().resource(ServiceRequest.class).withId(id).execute();
    gateway
        .fhir()
        .update()
        .resource(referral.copy().setPriority(ServiceRequest.ServiceRequestPriority.ROUTINE))
        .execute();

    HttpResponse<String> stale =
        gateway.send(
            gateway
                .request("/fhir/ServiceRequest/" + id)
                .header("Content-Type", "application/fhir+json")
                .header("If-Match", "W/\"1\"")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json(referral))));

    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(GatewayClient.outcome(stale).getIssueFirstRep().getSeverity())
        .isEqualTo(OperationOutcome.IssueSeverity.ERROR);
  }

  @Test
  void messageForAnEventOutsideBarsIsRefusedWithABarsCode() {
    // booking-request is a BaRS event the gateway now passes on; an event BaRS does not define is
    // still refused.
    Bundle message =
        TestMessages.referral(NhsNumbers.next(), TestReferrals.eatingDisorderReferral("x"), "new");
    ((MessageHeader) message.getEntryFirstRep().getResource())
        .getEventCoding()
        .setCode("referral-notification");

    HttpResponse<String> response = postMessage(message);

    assertThat(response.statusCode()).isEqualTo(422);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        GatewayClient.outcome(response).getIssueFirstRep();
    assertThat(issue.getDetails().getCodingFirstRep().getCode())
        .isEqualTo("REC_UNPROCESSABLE_ENTITY");
    assertThat(issue.getExpression())
        .extracting(e -> e.getValue())
        .containsExactly("Bundle.entry[0].resource.eventCoding");
  }

  @Test
  void messageWhoseFocusIsNotAReferralIsRefusedAsABadRequest() {
    Bundle message =
        TestMessages.referral(NhsNumbers.next(), TestReferrals.eatingDisorderReferral("x"), "new");
    // The focus is the Patient entry: a well-formed message, but not a referral.
    ((MessageHeader) message.getEntryFirstRep().getResource())
        .getFocusFirstRep()
        .setReference(message.getEntry().get(1).getFullUrl());

    HttpResponse<String> response = postMessage(message);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.barsCode(response)).isEqualTo("REC_BAD_REQUEST");
  }

  @Test
  void updateForAReferralNeverReceivedIsRefusedAsNotFound() {
    ServiceRequest neverSent = TestReferrals.eatingDisorderReferral("Unknown to the gateway");

    HttpResponse<String> response =
        postMessage(TestMessages.referral(NhsNumbers.next(), neverSent.copy(), "update"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.barsCode(response)).isEqualTo("REC_NOT_FOUND");
    assertThat(searchByIdentifier(neverSent)).isZero();
  }

  @Test
  void bundleThatIsNotAMessageIsRefusedAsABadRequest() {
    Bundle notAMessage =
        TestReferrals.transaction(NhsNumbers.next(), TestReferrals.eatingDisorderReferral("x"));

    HttpResponse<String> response = postMessage(notAMessage);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getExpression())
        .extracting(e -> e.getValue())
        .containsExactly("Bundle.type");
  }

  private Bundle processMessage(Bundle message) {
    HttpResponse<String> response = postMessage(message);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  private HttpResponse<String> postMessage(Bundle message) {
    return gateway.send(
        gateway
            .request("/fhir/$process-message")
            .header("Content-Type", "application/fhir+json")
            .header("X-Request-Id", java.util.UUID.randomUUID().toString())
            .header("X-Correlation-Id", "correlation-" + message.getIdentifier().getValue())
            .header("NHSD-Requesting-Software", TestMessages.requestingSoftware())
            .header("NHSD-End-User-Organisation", TestMessages.endUserOrganisation("8HV48"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json(message))));
  }

  @Test
  void barsMessageWithoutRequestIdIsRefusedAndHeadersAreEchoed() {
    Bundle message =
        TestMessages.referral(NhsNumbers.next(), referralFor(gateway.createYoungPerson()), "new");
    HttpResponse<String> missing =
        gateway.send(
            gateway
                .request("/fhir/$process-message")
                .header("Content-Type", "application/fhir+json")
                .header("X-Correlation-Id", "c-1")
                .header("NHSD-Requesting-Software", TestMessages.requestingSoftware())
                .header("NHSD-End-User-Organisation", TestMessages.endUserOrganisation("8HV48"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json(message))));

    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.barsCode(missing)).isEqualTo("REC_BAD_REQUEST");
    assertThat(GatewayClient.outcome(missing).getIssueFirstRep().getDiagnostics())
        .contains("X-Request-Id");
    // The id the sender did send comes back on the error too.
    assertThat(missing.headers().firstValue("X-Correlation-Id")).hasValue("c-1");

    HttpResponse<String> accepted = postMessage(message);
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(accepted.headers().firstValue("X-Correlation-Id"))
        .hasValue("correlation-" + message.getIdentifier().getValue());
    assertThat(accepted.headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void theSameBarsMessageTwiceIsAConflictTheSecondTime() {
    Bundle message =
        TestMessages.referral(NhsNumbers.next(), referralFor(gateway.createYoungPerson()), "new");

    assertThat(postMessage(message).statusCode()).isEqualTo(200);
    HttpResponse<String> again = postMessage(message);

    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(GatewayClient.barsCode(again)).isEqualTo("REC_CONFLICT");
  }

  @Test
  void partnersServiceRequestResponseMovesTheReferralTaskOn() {
    String nhsNumber = NhsNumbers.next();
    ServiceRequest referral = referralFor(gateway.createYoungPerson());
    Bundle created = processMessage(TestMessages.referral(nhsNumber, referral.copy(), "new"));
    Task task =
        created.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Task.class::isInstance)
            .map(Task.class::cast)
            .findFirst()
            .orElseThrow();

    HttpResponse<String> answered =
        postMessage(
            TestMessages.response(
                referral, MessageHeader.ResponseType.OK, "Triaged, first appointment offered"));

    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    Task after =
        gateway
            .fhir()
            .read()
            .resource(Task.class)
            .withId(task.getIdElement().getIdPart())
            .execute();
    assertThat(after.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
    assertThat(after.getBusinessStatus().getText())
        .isEqualTo("response from CAMHS eating disorders team: Triaged, first appointment offered");
  }

  @Test
  void serviceRequestResponseForAReferralNeverReceivedIsNotFound() {
    ServiceRequest unknown = referralFor(gateway.createYoungPerson());

    HttpResponse<String> answered =
        postMessage(TestMessages.response(unknown, MessageHeader.ResponseType.OK, "ok"));

    assertThat(answered.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.barsCode(answered)).isEqualTo("REC_NOT_FOUND");
  }

  static ServiceRequest referralFor(String patientId) {
    return TestReferrals.eatingDisorderReferral("Low mood")
        .setSubject(new Reference("Patient/" + patientId));
  }

  private List<String> outboxEvents(String referralId) {
    return database.queryForList(
        "SELECT EVENT_TYPE FROM GW_OUTBOX_EVENT WHERE FOCUS LIKE ? ORDER BY ID",
        String.class,
        "ServiceRequest/" + referralId + "/_history/%");
  }

  private List<Task> tasksFocusedOn(String referralId) {
    Bundle found =
        gateway
            .fhir()
            .search()
            .byUrl("Task?focus=ServiceRequest/" + referralId)
            .returnBundle(Bundle.class)
            .execute();
    return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
  }

  private int searchByIdentifier(ServiceRequest referral) {
    return gateway
        .fhir()
        .search()
        .forResource(ServiceRequest.class)
        .where(
            ServiceRequest.IDENTIFIER
                .exactly()
                .systemAndCode(
                    referral.getIdentifierFirstRep().getSystem(),
                    referral.getIdentifierFirstRep().getValue()))
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  static String json(org.hl7.fhir.r4.model.Resource resource) {
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(resource);
  }

  static String idFromLocation(HttpResponse<String> response) {
    return new org.hl7.fhir.r4.model.IdType(response.headers().firstValue("Location").orElseThrow())
        .getIdPart();
  }
}
