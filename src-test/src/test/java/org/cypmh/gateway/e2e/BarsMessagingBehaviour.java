package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * BaRS messaging as the standard defines it, end to end: a sender's referral, its update and its
 * cancellation reach the receiving service marked as such (MessageHeader reason and definition),
 * the service's answers come back to the referrer's own $process-message as BaRS responses,
 * validation and booking requests are accepted and passed on, resource types the gateway does not
 * serve travel in the message, and malformed or misaddressed messages are refused with the BaRS
 * code.
 */
abstract class BarsMessagingBehaviour extends RoutingBehaviourSupport {

  static final String SERVICE_IDS = "https://cypmh-gateway.org/fhir/Id/service";
  static final String EATING_DISORDERS = "/camhs-eating-disorders/fhir/$process-message";

  @Test
  void referralUpdatedThenCancelledReachesItsServiceMarkedAsSuchAndTheReferrerHearsBack() {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restricting food intake");
    String id = referral.getIdentifierFirstRep().getValue();
    String nhsNumber = NhsNumbers.next();
    String target = TestMessages.target(SERVICE_IDS, "camhs-eating-disorders");
    Bundle first =
        BarsFixtures.referral(nhsNumber, referral.copy(), "new", TestMessages.REFERRAL).bundle();

    HttpResponse<String> accepted = TestMessages.post(gateway, first, target);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    Task task = only(parse(accepted), Task.class);
    String taskId = task.getIdElement().toUnqualifiedVersionless().getValue();
    await().atMost(DELIVERY).until(() -> received(EATING_DISORDERS, id).size() == 1);
    await().atMost(DELIVERY).until(() -> status(taskId) == Task.TaskStatus.RECEIVED);

    // The service accepts: the referrer is told, at its own $process-message.
    answer(referral, Task.TaskStatus.ACCEPTED, "Accepted: assessment booked");
    await().atMost(DELIVERY).until(() -> received(TestMessages.REFERRER_PATH, id).size() == 1);

    ServiceRequest changed = referral.copy();
    changed.getNoteFirstRep().setText("Restrictive eating for 5 months; lost 4 kg since referral.");
    HttpResponse<String> update =
        TestMessages.post(
            gateway,
            BarsFixtures.referral(nhsNumber, changed.copy(), "update", TestMessages.REFERRAL)
                .bundle(),
            target);
    assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> received(EATING_DISORDERS, id).size() == 2);

    answer(referral, Task.TaskStatus.INPROGRESS, "Seen by the team");
    await().atMost(DELIVERY).until(() -> received(TestMessages.REFERRER_PATH, id).size() == 2);

    ServiceRequest cancelled = changed.copy();
    cancelled.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
    HttpResponse<String> cancel =
        TestMessages.post(
            gateway,
            BarsFixtures.referral(nhsNumber, cancelled, "update", TestMessages.CANCELLED).bundle(),
            target);
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> received(EATING_DISORDERS, id).size() == 3);

    // What the service received: a new referral, an update, a cancellation, each telling which.
    List<Bundle> toService = received(EATING_DISORDERS, id);
    assertThat(toService)
        .extracting(m -> header(m).getReason().getCodingFirstRep().getCode())
        .containsExactly("new", "update", "update");
    assertThat(toService)
        .extracting(m -> header(m).getDefinition())
        .containsExactly(TestMessages.REFERRAL, TestMessages.REFERRAL, TestMessages.CANCELLED);
    assertThat(toService)
        .extracting(m -> header(m).getEventCoding().getCode())
        .containsOnly("servicerequest-request");
    for (Bundle message : toService) {
      MessageHeader header = header(message);
      assertThat(focus(message)).isInstanceOf(ServiceRequest.class);
      assertThat(((ServiceRequest) focus(message)).getIdentifierFirstRep().getValue())
          .isEqualTo(id);
      assertThat(header.getSender().getIdentifier().getValue()).isEqualTo("8HV48");
      assertThat(header.getSource().getEndpoint())
          .isEqualTo("https://cypmh-gateway.org/fhir/$process-message");
      assertThat(header.getDestinationFirstRep().getReceiver().getIdentifier().getValue())
          .isEqualTo("camhs-eating-disorders");
      assertThat(message.getIdElement().getIdPart()).isNotBlank();
    }
    // Sent the way a BaRS sender sends: ids and the requesting software (the gateway, a Device).
    LoggedRequest firstDelivery =
        PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
            .map(e -> e.getRequest())
            .filter(r -> r.getUrl().equals(EATING_DISORDERS) && r.getBodyAsString().contains(id))
            .findFirst()
            .orElseThrow();
    assertThat(
            new String(
                java.util.Base64.getDecoder()
                    .decode(firstDelivery.getHeader("NHSD-Requesting-Software"))))
        .contains("\"resourceType\":\"Device\"")
        .contains("\"value\":\"cypmh-gateway\"");
    assertThat(firstDelivery.getHeader("X-Request-Id")).isNotBlank();
    assertThat(((ServiceRequest) focus(toService.get(1))).getNoteFirstRep().getText())
        .startsWith("Restrictive eating for 5 months");
    assertThat(((ServiceRequest) focus(toService.get(2))).getStatus())
        .isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);

    // What the referrer received: BaRS responses to its first message.
    List<Bundle> toReferrer = received(TestMessages.REFERRER_PATH, id);
    assertThat(toReferrer)
        .extracting(m -> header(m).getEventCoding().getCode())
        .containsOnly("servicerequest-response");
    assertThat(toReferrer)
        .extracting(m -> header(m).getResponse().getIdentifier())
        .containsOnly(first.getIdElement().getIdPart());
    assertThat(toReferrer)
        .extracting(m -> header(m).getResponse().getCode())
        .containsOnly(MessageHeader.ResponseType.OK);
    assertThat(toReferrer)
        .extracting(m -> only(m, Task.class).getStatus())
        .containsExactly(Task.TaskStatus.ACCEPTED, Task.TaskStatus.INPROGRESS);
    assertThat(toReferrer)
        .extracting(m -> header(m).getDestinationFirstRep().getEndpoint())
        .containsOnly(TestMessages.referrerEndpoint());

    // The Task's history: requested, delivered, accepted, in progress, cancelled.
    Bundle history = parse(gateway.get("/fhir/" + taskId + "/_history?_count=100"));
    List<Task.TaskStatus> statuses = new ArrayList<>();
    history.getEntry().stream()
        .map(e -> (Task) e.getResource())
        .sorted(Comparator.comparing(t -> Long.parseLong(t.getMeta().getVersionId())))
        .map(Task::getStatus)
        .forEach(
            s -> {
              if (statuses.isEmpty() || statuses.get(statuses.size() - 1) != s) {
                statuses.add(s);
              }
            });
    assertThat(statuses)
        .as(GatewayClient.FHIR.newJsonParser().encodeResourceToString(history))
        .containsExactly(
            Task.TaskStatus.REQUESTED,
            Task.TaskStatus.RECEIVED,
            Task.TaskStatus.ACCEPTED,
            Task.TaskStatus.INPROGRESS,
            Task.TaskStatus.CANCELLED);
  }

  @Test
  void serviceCompletingTheTaskItselfIsAnsweredToTheReferrerToo() {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Not eating at school");
    String id = referral.getIdentifierFirstRep().getValue();
    Bundle first =
        BarsFixtures.referral(NhsNumbers.next(), referral, "new", TestMessages.REFERRAL).bundle();
    HttpResponse<String> accepted =
        TestMessages.post(
            gateway, first, TestMessages.target(SERVICE_IDS, "camhs-eating-disorders"));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String taskId =
        only(parse(accepted), Task.class).getIdElement().toUnqualifiedVersionless().getValue();
    await().atMost(DELIVERY).until(() -> status(taskId) == Task.TaskStatus.RECEIVED);

    // PUT Task/{id}: the service rejects the referral by changing the Task (no message).
    Task task = gateway.fhir().read().resource(Task.class).withUrl(taskId).execute();
    task.setStatus(Task.TaskStatus.REJECTED);
    task.getBusinessStatus().setText("Rejected: outside the service's area");
    HttpResponse<String> rejected =
        gateway.send(
            gateway
                .request("/fhir/" + taskId)
                .header("Content-Type", "application/fhir+json")
                .PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        GatewayClient.FHIR.newJsonParser().encodeResourceToString(task))));

    assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> received(TestMessages.REFERRER_PATH, id).size() == 1);
    Bundle answer = received(TestMessages.REFERRER_PATH, id).get(0);
    assertThat(header(answer).getResponse().getIdentifier())
        .isEqualTo(first.getIdElement().getIdPart());
    assertThat(header(answer).getResponse().getCode())
        .isEqualTo(MessageHeader.ResponseType.FATALERROR);
    assertThat(header(answer).getDefinition())
        .isEqualTo(TestMessages.DEFINITIONS + "bars-message-servicerequest-response-referral");
    assertThat(only(answer, Task.class).getBusinessStatus().getText())
        .isEqualTo("Rejected: outside the service's area");
    assertThat(((ServiceRequest) focus(answer)).getIdentifierFirstRep().getValue()).isEqualTo(id);
  }

  @Test
  void referrerNamingAnAddressOnAHostNotAllowedIsAnsweredThroughTheDirectoryInstead() {
    // The message names a reply address on a host the operator has not allowed (127.0.0.1, not
    // "localhost"): the gateway must not post the young person's referral wherever a message says.
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Not eating at school");
    referral.getRequester().getIdentifier().setValue("8ZZ02"); // First Steps ED, in the directory
    String id = referral.getIdentifierFirstRep().getValue();
    Bundle first =
        BarsFixtures.referral(NhsNumbers.next(), referral, "new", TestMessages.REFERRAL).bundle();
    String elsewhere = "/elsewhere/fhir/$process-message";
    header(first)
        .getSource()
        .setEndpoint(
            "https://127.0.0.1:" + PartnerNetwork.PARTNERS.server().httpsPort() + elsewhere);
    HttpResponse<String> accepted =
        TestMessages.post(
            gateway, first, TestMessages.target(SERVICE_IDS, "camhs-eating-disorders"));
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String taskId =
        only(parse(accepted), Task.class).getIdElement().toUnqualifiedVersionless().getValue();
    await().atMost(DELIVERY).until(() -> status(taskId) == Task.TaskStatus.RECEIVED);

    answer(referral, Task.TaskStatus.ACCEPTED, "Accepted: assessment booked");

    String directoryEndpoint = "/vcse-first-steps-ed/fhir/$process-message";
    await().atMost(DELIVERY).until(() -> received(directoryEndpoint, id).size() == 1);
    assertThat(header(received(directoryEndpoint, id).get(0)).getResponse().getIdentifier())
        .isEqualTo(first.getIdElement().getIdPart());
    assertThat(received(elsewhere, id)).isEmpty();
  }

  @Test
  void nationalValidationRequestWithoutIdentifierIsTakenAndItsResponseFindsIt() {
    BarsFixtures.Message sent = BarsFixtures.nationalValidationRequest(NhsNumbers.next());
    Bundle request = sent.bundle();
    String referralUrl = header(request).getFocusFirstRep().getReference();
    String target = TestMessages.target(SERVICE_IDS, "camhs-crisis");

    HttpResponse<String> accepted = TestMessages.post(gateway, request, target);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    ServiceRequest stored = (ServiceRequest) focus(parse(accepted));
    assertThat(stored.getIdentifier())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getSystem()).isEqualTo("urn:ietf:rfc:3986");
              assertThat(i.getValue()).isEqualTo(referralUrl);
            });
    String taskId =
        only(parse(accepted), Task.class).getIdElement().toUnqualifiedVersionless().getValue();
    await().atMost(DELIVERY).until(() -> status(taskId) == Task.TaskStatus.RECEIVED);

    // The same message sent again under a new message id is the same referral, not a second one.
    request.setId(java.util.UUID.randomUUID().toString());
    request.getIdentifier().setValue("urn:uuid:" + java.util.UUID.randomUUID());
    HttpResponse<String> again = TestMessages.post(gateway, request, target);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(focus(parse(again)).getIdElement().getIdPart())
        .isEqualTo(stored.getIdElement().getIdPart());

    // The service answers as BaRS does: the ServiceRequest named by the same URN (its id), no
    // Task, only MessageHeader.response.code.
    ServiceRequest answered = ((ServiceRequest) only(request, ServiceRequest.class)).copy();
    answered.setId(referralUrl.substring("urn:uuid:".length()));
    // Only the answer's own entries are sent back here (the real one repeats them all).
    answered.setRequester(new Reference().setDisplay("Crisis line clinician"));
    answered.setEncounter(null);
    answered.getBasedOn().clear();
    Bundle response = TestMessages.response(answered, MessageHeader.ResponseType.OK, "n/a");
    response.getEntry().removeIf(e -> e.getResource() instanceof Task);
    response.getEntry().stream()
        .filter(e -> e.getResource() instanceof ServiceRequest)
        .forEach(e -> e.setFullUrl(referralUrl));
    header(response).getFocusFirstRep().setReference(referralUrl);
    HttpResponse<String> taken = TestMessages.post(gateway, response, null);

    assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
    assertThat(status(taskId)).isEqualTo(Task.TaskStatus.ACCEPTED);
  }

  @Test
  void cancellationStopsADeliveryNotYetMadeAndSendsNothing() {
    // The VCSE service needs an explicit permit, which the young person has not given: the
    // referral waits (withheld). Cancelled meanwhile, it must never go, nor its cancellation.
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Low mood");
    String id = referral.getIdentifierFirstRep().getValue();
    String nhsNumber = NhsNumbers.next();
    String target = TestMessages.target(SERVICE_IDS, "vcse-first-steps-ed");
    HttpResponse<String> accepted =
        TestMessages.post(
            gateway, TestMessages.referral(nhsNumber, referral.copy(), "new"), target);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    Bundle response = parse(accepted);
    Accepted referred =
        new Accepted(
            focus(response).getIdElement().toUnqualifiedVersionless().getValue(),
            only(response, Task.class).getIdElement().toUnqualifiedVersionless().getValue());
    await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(referred).get("status")));

    ServiceRequest cancelled = referral.copy();
    cancelled.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
    Bundle cancellation = TestMessages.referral(nhsNumber, cancelled, "update");
    header(cancellation).setDefinition(TestMessages.CANCELLED);
    HttpResponse<String> cancel = TestMessages.post(gateway, cancellation, target);

    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> "CANCELLED".equals(delivery(referred).get("status")));
    assertThat(taskOf(referred).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
    assertThat(received("/vcse-first-steps-ed/fhir", id)).isEmpty();
  }

  @Test
  void validationRequestGoesToTheServiceNamedMarkedAsValidation() {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Ambulance disposition");
    String id = referral.getIdentifierFirstRep().getValue();
    BarsFixtures.Message message =
        BarsFixtures.referral(NhsNumbers.next(), referral, "new", TestMessages.VALIDATION);
    BarsFixtures.cdss(message.header);

    HttpResponse<String> accepted =
        TestMessages.post(
            gateway, message.bundle(), TestMessages.target(SERVICE_IDS, "camhs-eating-disorders"));

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    Task task = only(parse(accepted), Task.class);
    assertThat(task.getCode().getText()).isEqualTo("BaRS validation request");
    await().atMost(DELIVERY).until(() -> received(EATING_DISORDERS, id).size() == 1);
    MessageHeader sent = header(received(EATING_DISORDERS, id).get(0));
    assertThat(sent.getDefinition()).isEqualTo(TestMessages.VALIDATION);
    assertThat(sent.getReason().getCodingFirstRep().getCode()).isEqualTo("new");
  }

  @Test
  void bookingRequestIsKeptWithItsMessageAndPassedOnToTheServiceItNames() {
    String appointment = java.util.UUID.randomUUID().toString();
    Bundle booking =
        BarsFixtures.booking(
                NhsNumbers.next(), appointment, SERVICE_IDS + "|camhs-eating-disorders")
            .bundle();

    HttpResponse<String> accepted = TestMessages.post(gateway, booking, null);

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    Bundle response = parse(accepted);
    assertThat(header(response).getResponse().getCode()).isEqualTo(MessageHeader.ResponseType.OK);
    assertThat(focus(response).fhirType()).isEqualTo("Appointment");
    await().atMost(DELIVERY).until(() -> received(EATING_DISORDERS, appointment).size() == 1);
    Bundle passedOn = received(EATING_DISORDERS, appointment).get(0);
    assertThat(passedOn.getIdElement().getIdPart()).isEqualTo(booking.getIdElement().getIdPart());
    assertThat(header(passedOn).getEventCoding().getCode()).isEqualTo("booking-request");
    assertThat(header(passedOn).getDefinition()).isEqualTo(TestMessages.BOOKING);
    assertThat(header(passedOn).getSource().getEndpoint())
        .isEqualTo(TestMessages.referrerEndpoint());
    assertThat(header(passedOn).getDestinationFirstRep().getReceiver().getIdentifier().getValue())
        .isEqualTo("camhs-eating-disorders");
    assertThat(passedOn.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .contains("Appointment", "Slot", "Schedule", "Patient");
    // Kept with its message; the booking is the receiving service's, not stored on its own.
    assertThat(storedMessages(booking)).isEqualTo(1);
    assertThat(
            total(
                "/fhir/Appointment?identifier=https://yjs.example.org/appointments|" + appointment))
        .isZero();
  }

  @Test
  void messageCarryingAQuestionnaireIsAcceptedAndDeliveredWithIt() {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Low mood and not eating");
    String id = referral.getIdentifierFirstRep().getValue();
    Bundle message =
        BarsFixtures.referral(NhsNumbers.next(), referral, "new", TestMessages.REFERRAL).bundle();

    // Named by the ODS code of its organisation (the demo adult trust has one service).
    HttpResponse<String> accepted =
        TestMessages.post(gateway, message, TestMessages.target(BarsFixtures.ODS, "RZY"));

    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> received("/adult-cmht/fhir", id).size() == 1);
    Bundle delivered = received("/adult-cmht/fhir", id).get(0);
    Questionnaire questionnaire = only(delivered, Questionnaire.class);
    assertThat(questionnaire.getUrl()).isEqualTo(BarsFixtures.screeningQuestionnaire().getUrl());
    assertThat(only(delivered, Flag.class).getCode().getCodingFirstRep().getCode())
        .isEqualTo("248062006");
    assertThat(delivered.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .contains("QuestionnaireResponse", "Observation");
    // Kept in the stored message, not as a resource of its own.
    assertThat(storedMessages(message)).isEqualTo(1);
    assertThat(total("/fhir/Questionnaire?url=" + questionnaire.getUrl())).isZero();
  }

  @Test
  void malformedBarsHeadersAreRefusedWithTheirBarsCode() {
    Bundle message =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");

    assertRefused(
        withHeaders(message, "NHSD-Requesting-Software", null),
        400,
        "REC_BAD_REQUEST",
        "The BaRS header NHSD-Requesting-Software is required");
    assertRefused(
        withHeaders(
            message,
            "NHSD-Requesting-Software",
            TestMessages.base64("{\"resourceType\":\"Organization\"}")),
        400,
        "REC_BAD_REQUEST",
        "The BaRS header NHSD-Requesting-Software must be base64 of a JSON FHIR Device resource");
    assertRefused(
        withHeaders(
            message,
            "NHSD-End-User-Organisation",
            TestMessages.base64("{\"resourceType\":\"Organization\",\"name\":\"No id\"}")),
        400,
        "REC_BAD_REQUEST",
        "The BaRS header NHSD-End-User-Organisation must carry an identifier with system and value");
    assertRefused(
        withHeaders(message, "NHSD-Requesting-Practitioner", "%%% not base64"),
        400,
        "REC_BAD_REQUEST",
        "The BaRS header NHSD-Requesting-Practitioner must be base64 of a JSON FHIR PractitionerRole"
            + " resource");
    assertRefused(
        withHeaders(message, "X-Request-Id", "request-1"),
        400,
        "REC_BAD_REQUEST",
        "The BaRS header X-Request-Id must be a UUID");
    assertRefused(
        withHeaders(message, "NHSD-Target-Identifier", TestMessages.base64("{\"value\":\"x\"}")),
        400,
        "PROXY_BAD_REQUEST",
        "Invalid schema for the NHSD-Target-Identifier header: it needs a system and a value");
    assertRefused(
        withHeaders(
            message,
            "NHSD-Target-Identifier",
            TestMessages.target("https://fhir.nhs.uk/Id/dos-service-id", "2000099")),
        404,
        "PROXY_NOT_FOUND",
        "NHSD-Target-Identifier names https://fhir.nhs.uk/Id/dos-service-id|2000099, which is not"
            + " an active service in the directory");
  }

  @Test
  void messageAddressedToSomeoneElseIsRefused() {
    Bundle message =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");
    header(message)
        .getDestinationFirstRep()
        .setEndpoint("https://other-gateway.example.org/fhir/$process-message");

    HttpResponse<String> refused = TestMessages.post(gateway, message, null);

    assertBarsIssue(
        refused,
        422,
        "REC_UNPROCESSABLE_ENTITY",
        OperationOutcome.IssueType.BUSINESSRULE,
        "Bundle.entry[0].resource.destination[0].endpoint");
  }

  @Test
  void payloadThatDoesNotMatchItsMessageDefinitionIsRefused() {
    // A referral definition whose focus is the Patient.
    Bundle patientFocus =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");
    header(patientFocus).setDefinition(TestMessages.REFERRAL);
    header(patientFocus)
        .getFocusFirstRep()
        .setReference(patientFocus.getEntry().get(1).getFullUrl());
    assertBarsIssue(
        TestMessages.post(gateway, patientFocus, null),
        422,
        "REC_UNPROCESSABLE_ENTITY",
        OperationOutcome.IssueType.BUSINESSRULE,
        "Bundle.entry[0].resource.focus[0]");

    // A booking definition without an Appointment: the focus is a ServiceRequest.
    Bundle bookingOfAReferral =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");
    header(bookingOfAReferral).getEventCoding().setCode("booking-request");
    header(bookingOfAReferral).setDefinition(TestMessages.BOOKING);
    assertBarsIssue(
        TestMessages.post(gateway, bookingOfAReferral, null),
        422,
        "REC_UNPROCESSABLE_ENTITY",
        OperationOutcome.IssueType.BUSINESSRULE,
        "Bundle.entry[0].resource.focus[0]");

    // A cancellation whose referral is still active.
    Bundle activeCancellation =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "update");
    header(activeCancellation).setDefinition(TestMessages.CANCELLED);
    assertBarsIssue(
        TestMessages.post(gateway, activeCancellation, null),
        422,
        "REC_UNPROCESSABLE_ENTITY",
        OperationOutcome.IssueType.BUSINESSRULE,
        "Bundle.entry[2].resource.status");

    // A referral definition sent with the booking event.
    Bundle wrongEvent =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");
    header(wrongEvent).getEventCoding().setCode("booking-request");
    header(wrongEvent).setDefinition(TestMessages.REFERRAL);
    assertBarsIssue(
        TestMessages.post(gateway, wrongEvent, null),
        422,
        "REC_UNPROCESSABLE_ENTITY",
        OperationOutcome.IssueType.BUSINESSRULE,
        "Bundle.entry[0].resource.definition");
  }

  /** The service's answer, as a BaRS servicerequest-response to the gateway. */
  private void answer(ServiceRequest referral, Task.TaskStatus status, String businessStatus) {
    Bundle response =
        TestMessages.response(referral, MessageHeader.ResponseType.OK, businessStatus);
    only(response, Task.class).setStatus(status);
    HttpResponse<String> answered = TestMessages.post(gateway, response, null);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
  }

  private HttpResponse<String> withHeaders(Bundle message, String header, String value) {
    java.net.http.HttpRequest.Builder request =
        gateway
            .request("/fhir/$process-message")
            .header("Content-Type", "application/fhir+json")
            .header("X-Correlation-Id", "c-" + header);
    String[][] headers = {
      {"X-Request-Id", java.util.UUID.randomUUID().toString()},
      {"NHSD-Requesting-Software", TestMessages.requestingSoftware()},
      {"NHSD-End-User-Organisation", TestMessages.endUserOrganisation("8HV48")},
      {"NHSD-Requesting-Practitioner", null},
      {"NHSD-Target-Identifier", null}
    };
    for (String[] each : headers) {
      String sent = each[0].equals(header) ? value : each[1];
      if (sent != null) {
        request.header(each[0], sent);
      }
    }
    return gateway.send(
        request.POST(
            java.net.http.HttpRequest.BodyPublishers.ofString(
                GatewayClient.FHIR.newJsonParser().encodeResourceToString(message))));
  }

  private static void assertRefused(
      HttpResponse<String> response, int status, String code, String diagnostics) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        GatewayClient.outcome(response).getIssueFirstRep();
    assertThat(issue.getDetails().getCodingFirstRep().getSystem())
        .isEqualTo("https://fhir.nhs.uk/CodeSystem/http-error-codes");
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo(code);
    assertThat(issue.getDiagnostics()).isEqualTo(diagnostics);
    // The sender's correlation id comes back on the error.
    assertThat(response.headers().firstValue("X-Correlation-Id")).isPresent();
  }

  private static void assertBarsIssue(
      HttpResponse<String> response,
      int status,
      String code,
      OperationOutcome.IssueType type,
      String expression) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        GatewayClient.outcome(response).getIssueFirstRep();
    assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(issue.getCode()).isEqualTo(type);
    assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo(code);
    assertThat(issue.getExpression()).extracting(e -> e.getValue()).containsExactly(expression);
  }

  /** The messages or transactions a partner path received that mention this text, oldest first. */
  static List<Bundle> received(String path, String mentioning) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .filter(r -> r.getUrl().equals(path) && r.getBodyAsString().contains(mentioning))
        .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
        .map(LoggedRequest::getBodyAsString)
        .peek(body -> assertThat(body).as("a Bundle").contains("\"resourceType\":\"Bundle\""))
        .map(body -> GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, body))
        .toList();
  }

  /** How many resources a search finds (its first page holds them all here). */
  private int total(String search) {
    HttpResponse<String> found = gateway.get(search.replace("|", "%7C"));
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    return parse(found).getEntry().size();
  }

  /** How many stored message Bundles carry this message's identifier. */
  private int storedMessages(Bundle message) {
    HttpResponse<String> found =
        gateway.get(
            "/fhir/Bundle?identifier="
                + java.net.URLEncoder.encode(
                    message.getIdentifier().getSystem() + "|" + message.getIdentifier().getValue(),
                    java.nio.charset.StandardCharsets.UTF_8));
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    return parse(found).getEntry().size();
  }

  private Task.TaskStatus status(String taskId) {
    return gateway.fhir().read().resource(Task.class).withUrl(taskId).execute().getStatus();
  }

  private static Bundle parse(HttpResponse<String> response) {
    assertThat(response.body()).as("a Bundle").contains("\"resourceType\":\"Bundle\"");
    return GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  static MessageHeader header(Bundle message) {
    return (MessageHeader) message.getEntryFirstRep().getResource();
  }

  static Resource focus(Bundle message) {
    String reference = header(message).getFocusFirstRep().getReference();
    return message.getEntry().stream()
        .filter(e -> Objects.equals(e.getFullUrl(), reference))
        .map(Bundle.BundleEntryComponent::getResource)
        .findFirst()
        .orElseThrow();
  }
}
