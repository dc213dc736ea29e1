package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.BarsCodes;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.SharedRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What a partner receives, built without Spring: the referral as an idempotent FHIR transaction or
 * a BaRS message, what redaction leaves out, and a BaRS message passed on to another service.
 */
class PartnerPayloadTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final String KEY = "delivery-42";
  private static final Date NOW = Date.from(Instant.parse("2026-11-24T12:00:00Z"));
  private static final String NHS_NUMBER = "9000000009";
  private static final String UBRN = "https://fhir.nhs.uk/Id/UBRN";
  private static final String CONFIDENTIALITY =
      "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

  private static final DirectoryService CRISIS_BARS =
      service(
          new PartnerEndpoint(
              "Endpoint/camhs-crisis",
              "https://crisis.example.nhs.uk/fhir",
              Connection.BARS_MESSAGE,
              null));

  @Nested
  class Transaction {

    @Test
    void theYoungPersonIsCreatedOnlyIfNoPatientHasTheNhsNumber() {
      Bundle bundle = transaction(referral(withNhsNumber(youngPerson())));

      assertThat(bundle.getType()).isEqualTo(BundleType.TRANSACTION);
      BundleEntryComponent patient = bundle.getEntry().get(0);
      assertThat(patient.getFullUrl()).isEqualTo(url("patient"));
      assertThat(patient.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
      assertThat(patient.getRequest().getUrl()).isEqualTo("Patient");
      assertThat(patient.getRequest().getIfNoneExist())
          .isEqualTo("identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009");
      Patient sent = (Patient) patient.getResource();
      assertThat(sent.hasId()).isFalse();
      assertThat(sent.getMeta().isEmpty()).isTrue();
      assertThat(sent.getIdentifierFirstRep().getValue()).isEqualTo(NHS_NUMBER);
    }

    @Test
    void aYoungPersonWithoutAnNhsNumberIsCreatedUnconditionally() {
      Bundle bundle = transaction(referral(youngPerson()));

      BundleEntryComponent patient = bundle.getEntry().get(0);
      assertThat(patient.getFullUrl()).isEqualTo(url("patient"));
      assertThat(patient.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
      assertThat(patient.getRequest().getUrl()).isEqualTo("Patient");
      assertThat(patient.getRequest().hasIfNoneExist()).isFalse();
      assertThat(
              ((ServiceRequest) bundle.getEntry().get(1).getResource()).getSubject().getReference())
          .isEqualTo(url("patient"));
    }

    @Test
    void theReferralIsAConditionalUpdateOnTheReferrersIdentifierPointingIntoThePayload() {
      Bundle bundle = transaction(referral(withNhsNumber(youngPerson()), assessment()));

      BundleEntryComponent entry = bundle.getEntry().get(1);
      assertThat(entry.getFullUrl()).isEqualTo(url("referral"));
      assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl())
          .isEqualTo("ServiceRequest?identifier=https://fhir.nhs.uk/Id/UBRN|000000070000");
      ServiceRequest sent = (ServiceRequest) entry.getResource();
      assertThat(sent.hasId()).isFalse();
      assertThat(sent.getSubject().getReference()).isEqualTo(url("patient"));
      assertThat(sent.getSupportingInfo())
          .extracting(Reference::getReference)
          .containsExactly(url("Observation/assessment"));
      assertThat(sent.getBasedOn()).isEmpty();
      assertThat(sent.getExtensionByUrl(BarsOrigin.EXTENSION)).isNull();
      // The referrer as the partner can resolve it: its ODS code, not the gateway's resource id.
      assertThat(sent.getRequester().hasReference()).isFalse();
      assertThat(sent.getRequester().getType()).isEqualTo("Organization");
      assertThat(sent.getRequester().getIdentifier().getValue()).isEqualTo("B86001");
      assertThat(sent.getRequester().getDisplay()).isEqualTo("Riverside Surgery");
    }

    @Test
    void supportingInformationTravelsSelfContainedWithItsSecurityLabels() {
      Bundle bundle = transaction(referral(withNhsNumber(youngPerson()), assessment()));

      assertThat(bundle.getEntry()).hasSize(3);
      BundleEntryComponent entry = bundle.getEntry().get(2);
      assertThat(entry.getFullUrl()).isEqualTo(url("Observation/assessment"));
      assertThat(entry.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
      assertThat(entry.getRequest().getUrl()).isEqualTo("Observation");
      assertThat(entry.getRequest().getIfNoneExist())
          .isEqualTo("identifier=https://example.nhs.uk/assessments|A-1");
      Observation sent = (Observation) entry.getResource();
      assertThat(sent.hasId()).isFalse();
      assertThat(sent.getMeta().hasVersionId()).isFalse();
      assertThat(sent.getMeta().getSecurity()).extracting(Coding::getCode).containsExactly("R");
      assertThat(sent.getSubject().getReference()).isEqualTo(url("patient"));
      assertThat(sent.getPerformerFirstRep().hasReference()).isFalse();
      assertThat(sent.getPerformerFirstRep().getType()).isEqualTo("Practitioner");
    }

    @Test
    void resourcesKeptOnlyInTheMessageTravelWithTheReferralButAreNotPointedAt() {
      Questionnaire form = new Questionnaire();
      form.setId("Questionnaire/sdq");
      form.setUrl("https://example.org/Questionnaire/sdq");
      Bundle bundle = transaction(referral(withNhsNumber(youngPerson())).carrying(List.of(form)));

      assertThat(bundle.getEntry()).hasSize(3);
      BundleEntryComponent entry = bundle.getEntry().get(2);
      assertThat(entry.getFullUrl()).isEqualTo(url("carried|sdq"));
      assertThat(entry.getRequest().getUrl()).isEqualTo("Questionnaire");
      assertThat(entry.getRequest().hasIfNoneExist()).isFalse();
      assertThat(((ServiceRequest) bundle.getEntry().get(1).getResource()).getSupportingInfo())
          .isEmpty();
    }

    @Test
    void theSameDeliveryBuildsTheSameBundleIdentityAndFullUrls() {
      RoutableReferral referral = referral(withNhsNumber(youngPerson()), assessment());

      Bundle first = transaction(referral);
      Bundle again = transaction(referral);
      Bundle other =
          PartnerPayload.build(FHIR, referral, CRISIS_BARS, Connection.FHIR_REST, "other", NOW);

      assertThat(first.getIdentifier().getSystem()).isEqualTo("urn:ietf:rfc:3986");
      assertThat(first.getIdentifier().getValue()).isEqualTo("urn:uuid:" + KEY);
      assertThat(first.getTimestamp()).isEqualTo(NOW);
      assertThat(again.getEntry())
          .extracting(BundleEntryComponent::getFullUrl)
          .containsExactlyElementsOf(
              first.getEntry().stream().map(BundleEntryComponent::getFullUrl).toList());
      assertThat(other.getEntry().get(0).getFullUrl()).isNotEqualTo(url("patient"));
    }
  }

  @Nested
  class BarsMessage {

    @Test
    void aNewReferralIsAServiceRequestRequestAddressedToTheService() {
      Bundle bundle = message(referral(withNhsNumber(youngPerson()), assessment()), CRISIS_BARS);

      assertThat(bundle.getType()).isEqualTo(BundleType.MESSAGE);
      assertThat(bundle.getIdElement().getIdPart()).isEqualTo(uuid("message|" + KEY));
      assertThat(bundle.getEntry())
          .extracting(BundleEntryComponent::getFullUrl)
          .containsExactly(
              "urn:uuid:" + uuid("header|" + KEY),
              url("referral"),
              url("patient"),
              url("Observation/assessment"));
      assertThat(bundle.getEntry()).allMatch(e -> !e.hasRequest());
      MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
      assertThat(header.getEventCoding().getSystem()).isEqualTo(BarsCodes.EVENTS_SYSTEM);
      assertThat(header.getEventCoding().getCode()).isEqualTo("servicerequest-request");
      assertThat(header.getReason().getCodingFirstRep().getCode()).isEqualTo("new");
      assertThat(header.getDefinition()).isEqualTo(BarsOrigin.REFERRAL);
      assertThat(header.getSource().getEndpoint())
          .isEqualTo("https://cypmh-gateway.org/fhir/$process-message");
      assertThat(header.getSender().getIdentifier().getValue()).isEqualTo("B86001");
      assertThat(header.getFocusFirstRep().getReference()).isEqualTo(url("referral"));
      assertThat(header.getDestination()).hasSize(1);
      assertDestination(header, "https://crisis.example.nhs.uk/fhir/$process-message");
    }

    @Test
    void aServiceWithoutAnEndpointIsAddressedByItsServiceIdentifier() {
      Bundle bundle = message(referral(youngPerson()), service(null));

      assertDestination(
          (MessageHeader) bundle.getEntryFirstRep().getResource(),
          "https://cypmh-gateway.org/fhir/Id/service|camhs-crisis");
    }

    @Test
    void anUpdateIsReasonUpdateUnderTheReferralDefinition() {
      MessageHeader header = header(referral(youngPerson()).as(RoutableReferral.Change.UPDATE));

      assertThat(header.getReason().getCodingFirstRep().getSystem())
          .isEqualTo(BarsCodes.REASONS_SYSTEM);
      assertThat(header.getReason().getCodingFirstRep().getCode()).isEqualTo("update");
      assertThat(header.getDefinition()).isEqualTo(BarsOrigin.REFERRAL);
    }

    @Test
    void aCancellationIsReasonUpdateUnderTheCancellationDefinition() {
      MessageHeader header =
          header(referral(youngPerson()).as(RoutableReferral.Change.CANCELLATION));

      assertThat(header.getReason().getCodingFirstRep().getCode()).isEqualTo("update");
      assertThat(header.getDefinition())
          .isEqualTo(
              "https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-cancelled");
    }

    @Test
    void aReferralSentForValidationStaysAValidationRequestWithoutTheGatewaysOriginExtension() {
      RoutableReferral referral = referral(youngPerson());
      new BarsOrigin("msg-1", null, "https://sender.example/fhir", BarsOrigin.VALIDATION)
          .markOn(referral.received());

      Bundle bundle = message(referral.copy(), CRISIS_BARS);

      MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
      assertThat(header.getDefinition()).isEqualTo(BarsOrigin.VALIDATION);
      assertThat(header.getReason().getCodingFirstRep().getCode()).isEqualTo("new");
      ServiceRequest sent = (ServiceRequest) bundle.getEntry().get(1).getResource();
      assertThat(sent.getExtensionByUrl(BarsOrigin.EXTENSION)).isNull();
    }

    private MessageHeader header(RoutableReferral referral) {
      return (MessageHeader) message(referral, CRISIS_BARS).getEntryFirstRep().getResource();
    }
  }

  @Nested
  class Redaction {

    @Test
    void leavesOutExactlyTheLabelledResourcesAndTheReferralsPointersToThem() {
      Bundle bundle =
          transaction(referral(withNhsNumber(youngPerson()), assessment(), diagnosis(), letter()));

      int leftOut = PartnerPayload.redact(bundle, Set.of("R"));

      assertThat(leftOut).isEqualTo(1);
      assertThat(bundle.getEntry())
          .extracting(BundleEntryComponent::getFullUrl)
          .containsExactly(
              url("patient"),
              url("referral"),
              url("Condition/diagnosis"),
              url("DocumentReference/letter"));
      assertThat(((ServiceRequest) bundle.getEntry().get(1).getResource()).getSupportingInfo())
          .extracting(Reference::getReference)
          .containsExactly(url("Condition/diagnosis"), url("DocumentReference/letter"));
    }

    @Test
    void countsEveryResourceLeftOutUnderAnyWithheldLabel() {
      Bundle bundle = transaction(referral(youngPerson(), assessment(), diagnosis(), letter()));

      assertThat(PartnerPayload.redact(bundle, Set.of("R", "V"))).isEqualTo(2);
      assertThat(bundle.getEntry())
          .extracting(BundleEntryComponent::getFullUrl)
          .containsExactly(url("patient"), url("referral"), url("DocumentReference/letter"));
      assertThat(((ServiceRequest) bundle.getEntry().get(1).getResource()).getSupportingInfo())
          .extracting(Reference::getReference)
          .containsExactly(url("DocumentReference/letter"));
    }

    @Test
    void withNothingWithheldNothingIsLeftOut() {
      Bundle bundle = transaction(referral(youngPerson(), assessment(), diagnosis()));

      assertThat(PartnerPayload.redact(bundle, Set.of())).isZero();
      assertThat(bundle.getEntry()).hasSize(4);
    }

    @Test
    void theMessageHeaderYoungPersonAndReferralAreNeverLeftOutEvenIfLabelled() {
      Bundle bundle = message(referral(withNhsNumber(youngPerson()), assessment()), CRISIS_BARS);
      for (int i = 0; i < 3; i++) {
        labelled(bundle.getEntry().get(i).getResource(), "R");
      }

      assertThat(PartnerPayload.redact(bundle, Set.of("R"))).isEqualTo(1);
      assertThat(bundle.getEntry())
          .extracting(e -> e.getResource().fhirType())
          .containsExactly("MessageHeader", "ServiceRequest", "Patient");
    }
  }

  @Nested
  class Forwarded {

    @Test
    void aBarsMessageIsReaddressedToTheDestinationAndKeepsTheSendersHeader() {
      Bundle stored = bookingRequest();

      Bundle forwarded = PartnerPayload.forwarded(stored, CRISIS_BARS);

      assertThat(forwarded.getIdElement().getIdPart()).isEqualTo("sender-message-7");
      assertThat(forwarded.getMeta().isEmpty()).isTrue();
      MessageHeader header = (MessageHeader) forwarded.getEntryFirstRep().getResource();
      assertThat(header.getDestination()).hasSize(1);
      assertDestination(header, "https://crisis.example.nhs.uk/fhir/$process-message");
      assertThat(header.getEventCoding().getCode()).isEqualTo("booking-request");
      assertThat(header.getSource().getEndpoint()).isEqualTo("https://sender.example/fhir");
      assertThat(header.getDefinition()).isEqualTo("https://fhir.nhs.uk/MessageDefinition/x");
      assertThat(forwarded.getEntry()).hasSize(2);
    }

    @Test
    void theStoredMessageIsNotChanged() {
      Bundle stored = bookingRequest();

      PartnerPayload.forwarded(stored, service(null));

      MessageHeader header = (MessageHeader) stored.getEntryFirstRep().getResource();
      assertThat(header.getDestinationFirstRep().getEndpoint())
          .isEqualTo("https://cypmh-gateway.org/fhir/$process-message");
      assertThat(stored.getIdElement().getIdPart()).isEqualTo("stored-1");
    }

    @Test
    void aMessageWithoutTheSendersIdIsSentWithoutAnId() {
      Bundle stored = bookingRequest();
      stored.getMeta().getTag().clear();

      Bundle forwarded = PartnerPayload.forwarded(stored, service(null));

      assertThat(forwarded.hasId()).isFalse();
      assertDestination(
          (MessageHeader) forwarded.getEntryFirstRep().getResource(),
          "https://cypmh-gateway.org/fhir/Id/service|camhs-crisis");
    }

    private Bundle bookingRequest() {
      Bundle message = new Bundle();
      message.setType(BundleType.MESSAGE);
      message.setId("Bundle/stored-1");
      message.getMeta().setVersionId("3");
      message.getMeta().addTag(BarsOrigin.MESSAGE_ID_TAG, "sender-message-7", null);
      MessageHeader header = new MessageHeader();
      header.setEvent(new Coding(BarsCodes.EVENTS_SYSTEM, "booking-request", null));
      header.setDefinition("https://fhir.nhs.uk/MessageDefinition/x");
      header.getSource().setEndpoint("https://sender.example/fhir");
      header.addDestination().setEndpoint("https://cypmh-gateway.org/fhir/$process-message");
      message.addEntry().setFullUrl("urn:uuid:header").setResource(header);
      message.addEntry().setFullUrl("urn:uuid:patient").setResource(youngPerson());
      return message;
    }
  }

  @Test
  void sharedRecordsAreConditionalUpdatesOnTheGatewaysIdentifierForEach() {
    Patient patient = withNhsNumber(youngPerson());
    Observation outcome = assessment();
    Bundle bundle =
        PartnerPayload.records(
            FHIR, new SharedRecord(patient, "Observation", List.of(outcome)), KEY, NOW);

    assertThat(bundle.getType()).isEqualTo(BundleType.TRANSACTION);
    assertThat(bundle.getEntry()).hasSize(2);
    assertThat(bundle.getEntry().get(0).getRequest().getIfNoneExist())
        .isEqualTo("identifier=https://fhir.nhs.uk/Id/nhs-number|9000000009");
    BundleEntryComponent record = bundle.getEntry().get(1);
    assertThat(record.getFullUrl()).isEqualTo(url("Observation/assessment"));
    assertThat(record.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
    assertThat(record.getRequest().getUrl())
        .isEqualTo(
            "Observation?identifier=https://cypmh-gateway.org/fhir/Id/shared-record|Observation/assessment");
    assertThat(((Observation) record.getResource()).getSubject().getReference())
        .isEqualTo(url("patient"));
  }

  private static void assertDestination(MessageHeader header, String endpoint) {
    MessageHeader.MessageDestinationComponent to = header.getDestinationFirstRep();
    assertThat(to.getEndpoint()).isEqualTo(endpoint);
    assertThat(to.getName()).isEqualTo("CAMHS crisis team");
    assertThat(to.getReceiver().getIdentifier().getSystem())
        .isEqualTo(ServiceDirectory.SERVICE_ID_SYSTEM);
    assertThat(to.getReceiver().getIdentifier().getValue()).isEqualTo("camhs-crisis");
    assertThat(to.getReceiver().getDisplay()).isEqualTo("CAMHS crisis team");
  }

  private static Bundle transaction(RoutableReferral referral) {
    return PartnerPayload.build(FHIR, referral, CRISIS_BARS, Connection.FHIR_REST, KEY, NOW);
  }

  private static Bundle message(RoutableReferral referral, DirectoryService destination) {
    return PartnerPayload.build(FHIR, referral, destination, Connection.BARS_MESSAGE, KEY, NOW);
  }

  /** The payload's fullUrl for a name: a UUID derived from the name and the idempotency key. */
  private static String url(String name) {
    return "urn:uuid:" + uuid(name + "|" + KEY);
  }

  private static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static DirectoryService service(PartnerEndpoint endpoint) {
    return new DirectoryService(
        "camhs-crisis",
        "HealthcareService/camhs-crisis",
        "CAMHS crisis team",
        "Organization/demo-camhs-trust",
        null,
        Set.of("camhs-crisis"),
        null,
        null,
        Set.of(),
        Set.of(),
        endpoint);
  }

  private static RoutableReferral referral(Patient patient, Resource... supporting) {
    ServiceRequest received = new ServiceRequest();
    received.setId("ServiceRequest/ref-1/_history/2");
    received.getMeta().setVersionId("2");
    received.addIdentifier().setSystem(UBRN).setValue("000000070000");
    received.setSubject(new Reference("Patient/yp-1"));
    received.addBasedOn(new Reference("CarePlan/plan-9"));
    received.setRequester(
        new Reference("Organization/gp-1")
            .setIdentifier(
                new Identifier()
                    .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                    .setValue("B86001"))
            .setDisplay("Riverside Surgery"));
    for (Resource each : supporting) {
      received.addSupportingInfo(
          new Reference(each.getIdElement().toUnqualifiedVersionless().getValue()));
    }
    return new RoutableReferral(
        received,
        patient,
        List.of(supporting),
        LocalDate.of(2026, 11, 24),
        (valueSet, system, code) -> false,
        null);
  }

  private static Patient youngPerson() {
    Patient patient = new Patient();
    patient.setId("Patient/yp-1/_history/1");
    patient.getMeta().setVersionId("1");
    patient.addName().setFamily("Example").addGiven("Alex");
    return patient;
  }

  private static Patient withNhsNumber(Patient patient) {
    patient.addIdentifier().setSystem(ConformancePackage.NHS_NUMBER_SYSTEM).setValue(NHS_NUMBER);
    return patient;
  }

  private static <T extends Resource> T labelled(T resource, String label) {
    resource.getMeta().addSecurity(CONFIDENTIALITY, label, null);
    return resource;
  }

  private static Observation assessment() {
    Observation observation = new Observation();
    observation.setId("Observation/assessment/_history/4");
    observation.getMeta().setVersionId("4");
    observation.addIdentifier().setSystem("https://example.nhs.uk/assessments").setValue("A-1");
    observation.setSubject(new Reference("Patient/yp-1"));
    observation.addPerformer(new Reference("Practitioner/dr-1"));
    return labelled(observation, "R");
  }

  private static Condition diagnosis() {
    Condition condition = new Condition();
    condition.setId("Condition/diagnosis");
    condition.setSubject(new Reference("Patient/yp-1"));
    return labelled(condition, "V");
  }

  private static DocumentReference letter() {
    DocumentReference letter = new DocumentReference();
    letter.setId("DocumentReference/letter");
    letter.setSubject(new Reference("Patient/yp-1"));
    return letter;
  }
}
