package org.cypmh.gateway.demo.story;

import java.time.LocalDate;
import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.profiles.api.NhsNumber;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;

/**
 * The resources of the guided demo, shaped as the partners' systems send them: young people with
 * fresh NHS numbers from the test range (so the story can be told again on the same gateway) and
 * birth dates relative to today (so the 17-year-old is always inside the transition window),
 * referrals as transaction Bundles (Patient conditional create on the NHS number), consents, a
 * transition care plan and a brief intervention in the charity's own codes. Every
 * ConformancePackage.SNOMED_SYSTEM CT code here is in the verified seed subset.
 */
final class StoryPayloads {

  static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
  static final String FIRST_STEPS_CODES =
      "https://cypmh-gateway.org/fhir/CodeSystem/vcse-first-steps-interventions";
  static final String REFERRAL_IDENTIFIER =
      "https://cypmh-gateway.org/fhir/Id/guided-demo-referral";
  static final String GP_ODS = "Y99901";

  /** One young person of the story. */
  record YoungPerson(String given, String family, String nhsNumber, LocalDate born, String gender) {

    String name() {
      return given + " " + family;
    }

    Patient patient() {
      Patient patient = new Patient();
      patient.addIdentifier().setSystem(ConformancePackage.NHS_NUMBER_SYSTEM).setValue(nhsNumber);
      patient.addName().setFamily(family).addGiven(given);
      patient.setGender(AdministrativeGender.fromCode(gender));
      patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born.toString()));
      patient
          .addGeneralPractitioner()
          .setIdentifier(
              new Identifier()
                  .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                  .setValue(GP_ODS))
          .setDisplay("Riverside Surgery");
      patient.addAddress().setCity("Leeds").setPostalCode("LS6 2AB");
      return patient;
    }
  }

  private final String run;
  private final LocalDate today;
  // The transaction fullUrl of each resource sent alongside a referral, so others can point at it.
  private final java.util.Map<Resource, String> urls = new java.util.IdentityHashMap<>();

  StoryPayloads(String run, LocalDate today) {
    this.run = run;
    this.today = today;
  }

  YoungPerson youngPerson(String given, String family, int years, int months, String gender) {
    return new YoungPerson(
        given, family, nhsNumber(), today.minusYears(years).minusMonths(months), gender);
  }

  /** A referral transaction: the young person (created once per NHS number), then the referral. */
  Bundle referralTransaction(YoungPerson person, ServiceRequest referral, Resource... alongside) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String patientUrl = urn();
    bundle
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(person.patient())
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist(
            "identifier=" + ConformancePackage.NHS_NUMBER_SYSTEM + "|" + person.nhsNumber());
    referral.setSubject(new Reference(patientUrl));
    for (Resource resource : alongside) {
      String url = urlOf(resource);
      pointAt(resource, patientUrl);
      if (resource instanceof QuestionnaireResponse) {
        referral.addSupportingInfo(new Reference(url));
      }
      bundle
          .addEntry()
          .setFullUrl(url)
          .setResource(resource)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl(resource.fhirType());
    }
    bundle
        .addEntry()
        .setFullUrl(urn())
        .setResource(referral)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("ServiceRequest");
    return bundle;
  }

  /** A referral on a pathway, for a reason, from a requester; its identifier unique to this run. */
  ServiceRequest referral(
      String key,
      String pathway,
      ServiceRequestPriority priority,
      Coding reason,
      Reference requester,
      String reasonText) {
    ServiceRequest referral = new ServiceRequest();
    referral.addIdentifier().setSystem(REFERRAL_IDENTIFIER).setValue(run + "-" + key);
    referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    referral
        .addCategory()
        .addCoding()
        .setSystem(TerminologyContent.REFERRAL_PATHWAY_SYSTEM)
        .setCode(pathway);
    referral.setPriority(priority);
    referral
        .getCode()
        .addCoding(new Coding(ConformancePackage.SNOMED_SYSTEM, "3457005", "Patient referral"));
    referral.addReasonCode(new CodeableConcept(reason).setText(reasonText));
    referral.setRequester(requester);
    referral.setAuthoredOnElement(new DateTimeType(new Date()));
    return referral;
  }

  /** A referral by the young people's GP practice (Riverside Surgery). */
  ServiceRequest gpReferral(
      String key, String pathway, ServiceRequestPriority priority, Coding reason, String text) {
    return referral(
        key, pathway, priority, reason, organisation(GP_ODS, "Riverside Surgery"), text);
  }

  static Reference organisation(String ods, String display) {
    return new Reference()
        .setIdentifier(
            new Identifier().setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM).setValue(ods))
        .setDisplay(display);
  }

  static Reference school(String urn, String display) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(ServiceDirectory.SCHOOL_URN_SYSTEM).setValue(urn))
        .setDisplay(display);
  }

  static Coding snomed(String code, String display) {
    return new Coding(ConformancePackage.SNOMED_SYSTEM, code, display);
  }

  /** A parent, recorded with the referral, who gives consent for a child under 16. */
  RelatedPerson parent(String given, String family) {
    RelatedPerson parent = new RelatedPerson();
    parent.setActive(true);
    parent
        .addRelationship()
        .addCoding(
            new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother"));
    parent.addName().setFamily(family).addGiven(given);
    return parent;
  }

  /**
   * A permit to share with one organisation (ConformancePackage.ODS_ORGANIZATION_SYSTEM code) for
   * direct care, given by {@code performer} (the young person, or their parent), valid for a year.
   */
  Consent permit(Reference performer, String recipientOds, String recipientName) {
    Consent consent = new Consent();
    consent.setStatus(Consent.ConsentState.ACTIVE);
    consent
        .getScope()
        .addCoding(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null));
    consent.addCategory().addCoding(new Coding("http://loinc.org", "59284-0", "Patient Consent"));
    consent.setDateTime(new Date());
    consent.addPerformer(performer);
    consent
        .addPolicy()
        .setAuthority("https://cypmh-gateway.org")
        .setUri("https://cypmh-gateway.org/policies/information-sharing-with-partners");
    Consent.ProvisionComponent provision = consent.getProvision();
    provision.setType(Consent.ConsentProvisionType.PERMIT);
    provision.setPeriod(period(today, today.plusYears(1)));
    provision
        .addActor()
        .setRole(
            new CodeableConcept(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", null)))
        .setReference(organisation(recipientOds, recipientName));
    provision.addPurpose(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT", null));
    return consent;
  }

  /** Answers of a screening questionnaire sent with a referral, optionally restricted (R). */
  QuestionnaireResponse screening(String key, String question, String answer, boolean restricted) {
    QuestionnaireResponse screening = new QuestionnaireResponse();
    screening.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
    screening.getIdentifier().setSystem(REFERRAL_IDENTIFIER).setValue(run + "-" + key);
    if (restricted) {
      screening.getMeta().addSecurity(CONFIDENTIALITY, "R", "restricted");
    }
    screening
        .addItem()
        .setLinkId("1")
        .setText(question)
        .addAnswer()
        .setValue(new org.hl7.fhir.r4.model.StringType(answer));
    return screening;
  }

  /** A transition care plan agreed with the young person, naming the adult team. */
  CarePlan transitionPlan(String patient, YoungPerson person) {
    CarePlan plan = new CarePlan();
    plan.getMeta()
        .addProfile("https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-transition-careplan");
    plan.addExtension(
        "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-agreed-with-young-person",
        new BooleanType(true));
    plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    plan.setIntent(CarePlan.CarePlanIntent.PLAN);
    plan.addCategory().addCoding(snomed("718347000", "Mental health care plan (record artifact)"));
    plan.addCategory().setText("Transition to adult services");
    plan.setTitle("Transition from CAMHS to the adult community mental health team");
    plan.setSubject(new Reference(patient));
    LocalDate eighteenth = person.born().plusYears(18);
    plan.setPeriod(period(today, eighteenth.plusMonths(3)));
    plan.setCreated(new Date());
    plan.setAuthor(organisation("RZZ", "Demo CAMHS transitions team"));
    CarePlan.CarePlanActivityDetailComponent meeting = plan.addActivity().getDetail();
    meeting.setKind(CarePlan.CarePlanActivityKind.APPOINTMENT);
    meeting.setStatus(CarePlan.CarePlanActivityStatus.SCHEDULED);
    meeting.setCode(
        new CodeableConcept(
            new Coding(
                TerminologyContent.SERVICE_TYPE_SYSTEM,
                "adult-cmht",
                "Adult community mental health team")));
    meeting.setDescription(
        "Joint meeting with CAMHS, the adult community mental health team and "
            + person.given()
            + " before the 18th birthday");
    return plan;
  }

  /** A brief intervention in the charity's own code (FS-CBTE), based on the referral. */
  Procedure briefIntervention(String patient, String referral) {
    Procedure procedure = new Procedure();
    procedure.addIdentifier().setSystem(REFERRAL_IDENTIFIER).setValue(run + "-intervention");
    procedure.addBasedOn(new Reference(referral));
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.getCode().addCoding(new Coding(FIRST_STEPS_CODES, "FS-CBTE", "CBT-E sessions"));
    procedure.setSubject(new Reference(patient));
    procedure.setPerformed(period(today, today));
    procedure
        .addPerformer()
        .setActor(organisation("8ZZ02", "First Steps ED").setType("Organization"));
    return procedure;
  }

  /** The reference other resources of the same transaction use for this one. */
  Reference referenceTo(Resource resource) {
    return new Reference(urlOf(resource));
  }

  private String urlOf(Resource resource) {
    return urls.computeIfAbsent(resource, r -> urn());
  }

  private static void pointAt(Resource resource, String patientUrl) {
    if (resource instanceof RelatedPerson related) {
      related.setPatient(new Reference(patientUrl));
    } else if (resource instanceof Consent consent) {
      consent.setPatient(new Reference(patientUrl));
    } else if (resource instanceof QuestionnaireResponse answers) {
      answers.setSubject(new Reference(patientUrl));
    }
  }

  private static String nhsNumber() {
    // The 999 range is reserved for test data and never issued to a real person.
    while (true) {
      String nine = Integer.toString(999_000_000 + ThreadLocalRandom.current().nextInt(1_000_000));
      var number = NhsNumber.withCheckDigit(nine);
      if (number.isPresent()) {
        return number.get();
      }
    }
  }

  private static String urn() {
    return "urn:uuid:" + UUID.randomUUID();
  }

  private static Period period(LocalDate start, LocalDate end) {
    return new Period()
        .setStartElement(new DateTimeType(start.toString()))
        .setEndElement(new DateTimeType(end.toString()));
  }
}
