package org.cypmh.gateway.e2e;

import java.util.UUID;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.StringType;

/**
 * Whole BaRS messages shaped like the ones NHS BaRS senders post (a referral or validation request
 * with the clinician, their organisation, the encounter, risk flag, observation and a questionnaire
 * with its response; a booking request with its slot and schedule), built here rather than copied.
 */
final class BarsFixtures {

  static final String SNOMED = "http://snomed.info/sct";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  private BarsFixtures() {}

  /** A message under construction: the header, and entries added with fresh fullUrls. */
  static final class Message {
    final Bundle bundle = new Bundle().setType(Bundle.BundleType.MESSAGE);
    final MessageHeader header = new MessageHeader();

    Message(String event, String reason, String definition) {
      bundle.setId(UUID.randomUUID().toString());
      bundle
          .getIdentifier()
          .setSystem("urn:ietf:rfc:3986")
          .setValue("urn:uuid:" + UUID.randomUUID());
      bundle.setTimestampElement(InstantType.now());
      header.setId(UUID.randomUUID().toString());
      header.setEvent(new Coding(TestMessages.EVENTS, event, null));
      header.getReason().addCoding().setSystem(TestMessages.REASONS).setCode(reason);
      header.setDefinition(definition);
      header
          .getSource()
          .setName("Youth Justice Service")
          .setSoftware("YJS case system")
          .setVersion("4.2.0")
          .setEndpoint(TestMessages.referrerEndpoint());
      header.addDestination().setName("CYPMH gateway").setEndpoint(TestMessages.GATEWAY);
      bundle.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);
    }

    /** Adds the resource; returns its fullUrl. */
    String add(Resource resource) {
      String url = "urn:uuid:" + UUID.randomUUID();
      bundle.addEntry().setFullUrl(url).setResource(resource);
      return url;
    }

    Message focus(String fullUrl) {
      header.getFocus().clear();
      header.addFocus(new Reference(fullUrl));
      return this;
    }

    Message destination(String endpoint) {
      header.getDestinationFirstRep().setEndpoint(endpoint);
      return this;
    }

    Bundle bundle() {
      return bundle;
    }
  }

  /**
   * A referral (or validation request, update, cancellation: the event, reason and definition say
   * which) of the young person with this NHS number, with everything a BaRS sender sends beside it.
   */
  static Message referral(
      String nhsNumber, ServiceRequest referral, String reason, String definition) {
    Message message = new Message("servicerequest-request", reason, definition);
    String organisation = message.add(referringOrganisation());
    Practitioner clinician = new Practitioner();
    clinician
        .addIdentifier()
        .setSystem("https://fhir.hl7.org.uk/Id/gmc-number")
        .setValue("C1234567");
    clinician.addName().setFamily("Adeyemi").addPrefix("Dr");
    String practitioner = message.add(clinician);
    PractitionerRole role = new PractitionerRole();
    role.setPractitioner(new Reference(practitioner));
    role.setOrganization(new Reference(organisation));
    String practitionerRole = message.add(role);
    message.header.setSender(new Reference(practitionerRole));
    String patient = message.add(TestReferrals.youngPerson(nhsNumber));

    Encounter encounter = new Encounter();
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.setClass_(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    encounter.setSubject(new Reference(patient));
    String encounterUrl = message.add(encounter);

    Flag risk = new Flag();
    risk.setStatus(Flag.FlagStatus.ACTIVE);
    risk.setCode(new CodeableConcept(new Coding(SNOMED, "248062006", "Self-injurious behavior")));
    risk.setSubject(new Reference(patient));
    String flag = message.add(risk);

    Observation observed = new Observation();
    observed.setStatus(Observation.ObservationStatus.FINAL);
    observed.setCode(new CodeableConcept().setText("Presenting concern"));
    observed.setSubject(new Reference(patient));
    observed.setValue(
        new CodeableConcept(new Coding(SNOMED, "102911000", "Thoughts of self harm")));
    String observation = message.add(observed);

    // A CarePlan (BaRS senders send the young person's safety plan) is left out: the gateway's
    // validation applies its transition-plan profile to every CarePlan, so a safety plan is refused
    // today (see the validation-policy work of issue 22).

    Questionnaire questionnaire = screeningQuestionnaire();
    String questionnaireUrl = message.add(questionnaire);
    QuestionnaireResponse answers = new QuestionnaireResponse();
    answers.setQuestionnaire(questionnaire.getUrl());
    answers.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
    answers.setSubject(new Reference(patient));
    answers
        .addItem()
        .setLinkId("worry")
        .setText("Are you worried about your eating?")
        .addAnswer()
        .setValue(new org.hl7.fhir.r4.model.BooleanType(true));
    String questionnaireResponse = message.add(answers);

    referral.setSubject(new Reference(patient));
    referral.setEncounter(new Reference(encounterUrl));
    referral.getRequester().setReference(null);
    referral.addSupportingInfo(new Reference(flag));
    referral.addSupportingInfo(new Reference(observation));
    referral.addSupportingInfo(new Reference(questionnaireUrl));
    referral.addSupportingInfo(new Reference(questionnaireResponse));
    return message.focus(message.add(referral));
  }

  /** The CDSS extension BaRS senders put on a validation request's MessageHeader. */
  static void cdss(MessageHeader header) {
    Extension cdss =
        header.addExtension().setUrl("https://fhir.nhs.uk/StructureDefinition/CDSSExtension");
    cdss.addExtension("RequesterCDSSsoftware", new StringType("Pathways"));
    cdss.addExtension("RequesterCDSSversion", new StringType("30.2.0"));
  }

  static Questionnaire screeningQuestionnaire() {
    Questionnaire questionnaire = new Questionnaire();
    questionnaire.setUrl("https://yjs.example.org/Questionnaire/eating-screen");
    questionnaire.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
    questionnaire.setTitle("Eating screen");
    questionnaire
        .addItem()
        .setLinkId("worry")
        .setText("Are you worried about your eating?")
        .setType(Questionnaire.QuestionnaireItemType.BOOLEAN);
    return questionnaire;
  }

  /** A booking of an appointment slot at a service, for the young person with this NHS number. */
  static Message booking(String nhsNumber, String appointmentId, String destination) {
    Message message =
        new Message("booking-request", "new", TestMessages.BOOKING).destination(destination);
    String organisation = message.add(referringOrganisation());
    message.header.setSender(new Reference(organisation));
    String patient = message.add(TestReferrals.youngPerson(nhsNumber));
    Schedule schedule = new Schedule();
    schedule.addActor().setDisplay("CAMHS eating disorders team clinic");
    String scheduleUrl = message.add(schedule);
    Slot slot = new Slot();
    slot.setSchedule(new Reference(scheduleUrl));
    slot.setStatus(Slot.SlotStatus.BUSY);
    slot.setStartElement(new InstantType("2026-12-14T10:00:00+00:00"));
    slot.setEndElement(new InstantType("2026-12-14T10:45:00+00:00"));
    String slotUrl = message.add(slot);
    Appointment appointment = new Appointment();
    appointment
        .addIdentifier()
        .setSystem("https://yjs.example.org/appointments")
        .setValue(appointmentId);
    appointment.setStatus(Appointment.AppointmentStatus.BOOKED);
    appointment.addSlot(new Reference(slotUrl));
    appointment.setStartElement(new InstantType("2026-12-14T10:00:00+00:00"));
    appointment.setEndElement(new InstantType("2026-12-14T10:45:00+00:00"));
    appointment.setCreatedElement(new DateTimeType("2026-12-05T09:00:00+00:00"));
    appointment
        .addParticipant()
        .setActor(new Reference(patient))
        .setStatus(Appointment.ParticipationStatus.ACCEPTED);
    return message.focus(message.add(appointment));
  }

  /**
   * A validation request as national BaRS senders (111, ambulance services) send it: the
   * ServiceRequest claims the BaRS validation profile, carries no business identifier (the sender
   * names it by its fullUrl), uses BaRS's own category and intent {@code plan}; the young person is
   * a UK Core Patient; the safety plan travels as a CarePlan.
   */
  static Message nationalValidationRequest(String nhsNumber) {
    Message message = new Message("servicerequest-request", "new", TestMessages.VALIDATION);
    String organisation = message.add(referringOrganisation());
    Practitioner clinician = new Practitioner();
    clinician.addName().setFamily("Okoro").addGiven("Ada");
    PractitionerRole role = new PractitionerRole();
    role.setPractitioner(new Reference(message.add(clinician)));
    role.setOrganization(new Reference(organisation));
    String practitionerRole = message.add(role);
    message.header.setSender(new Reference(practitionerRole));

    Patient patient = TestReferrals.youngPerson(nhsNumber);
    patient.getMeta().addProfile("https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient");
    patient
        .getIdentifierFirstRep()
        .addExtension(
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus",
            new CodeableConcept(
                new Coding(
                    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus",
                    "number-present-and-verified",
                    "Number present and verified")));
    String patientUrl = message.add(patient);

    Encounter encounter = new Encounter();
    encounter.setStatus(Encounter.EncounterStatus.INPROGRESS);
    encounter.setClass_(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER", "emergency"));
    encounter.setSubject(new Reference(patientUrl));
    String encounterUrl = message.add(encounter);

    CarePlan safetyPlan = new CarePlan();
    safetyPlan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    safetyPlan.setIntent(CarePlan.CarePlanIntent.PLAN);
    safetyPlan.setSubject(new Reference(patientUrl));
    safetyPlan.setDescription("Stay with a trusted adult until the crisis team calls back.");
    String carePlanUrl = message.add(safetyPlan);

    ServiceRequest request = new ServiceRequest();
    request
        .getMeta()
        .addProfile(
            "https://fhir.nhs.uk/StructureDefinition/BARSServiceRequest-request-validation");
    request.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    request.setIntent(ServiceRequest.ServiceRequestIntent.PLAN);
    request
        .addCategory()
        .addCoding(
            new Coding(
                "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest",
                "validation",
                "For Validation"));
    request.setSubject(new Reference(patientUrl));
    request.setEncounter(new Reference(encounterUrl));
    request.addBasedOn(new Reference(carePlanUrl));
    request.setRequester(new Reference(practitionerRole));
    request.setOccurrence(new DateTimeType(new java.util.Date()));
    message.focus(message.add(request));
    return message;
  }

  private static Organization referringOrganisation() {
    Organization organisation = new Organization();
    organisation.addIdentifier().setSystem(ODS).setValue("8HV48");
    organisation.setName("Leeds Youth Justice Service");
    return organisation;
  }

  static CanonicalType canonical(String url) {
    return new CanonicalType(url);
  }
}
