package org.cypmh.gateway.e2e;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.StringType;

/**
 * Referrals shaped for the demo pathways: a builder over the facts routing decides on (pathway,
 * priority, age, referrer, reasons), each with a fresh referrer identifier to find it by at the
 * partner.
 */
final class RoutingReferrals {

  static final String PATHWAYS = "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway";
  static final String SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type";
  static final String SNOMED = "http://snomed.info/sct";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  static final String SCHOOL_URN = "https://fhir.hl7.org.uk/Id/urn-school-number";

  private final String identifier = UUID.randomUUID().toString();
  private String pathway = "general-camhs";
  private ServiceRequestPriority priority = ServiceRequestPriority.ROUTINE;
  private int ageYears = 15;
  private Reference requester = gp("B86001");
  private String registeredGp;
  private final ServiceRequest referral = new ServiceRequest();
  private final List<Consent> consents = new ArrayList<>();
  private final List<Resource> supportingInfo = new ArrayList<>();
  private String nhsNumber;

  static RoutingReferrals referral() {
    return new RoutingReferrals();
  }

  RoutingReferrals pathway(String code) {
    this.pathway = code;
    return this;
  }

  RoutingReferrals priority(ServiceRequestPriority priority) {
    this.priority = priority;
    return this;
  }

  RoutingReferrals aged(int years) {
    this.ageYears = years;
    return this;
  }

  RoutingReferrals fromGp(String odsCode) {
    this.requester = gp(odsCode);
    return this;
  }

  RoutingReferrals fromSchool(String urn) {
    this.requester =
        new Reference()
            .setType("Organization")
            .setIdentifier(new Identifier().setSystem(SCHOOL_URN).setValue(urn))
            .setDisplay("Demo school");
    return this;
  }

  RoutingReferrals fromYouthJusticeService() {
    return fromOrganisation("YJS01");
  }

  RoutingReferrals fromOrganisation(String odsCode) {
    this.requester =
        new Reference()
            .setType("Organization")
            .setIdentifier(new Identifier().setSystem(ODS).setValue(odsCode))
            .setDisplay("Referring organisation");
    return this;
  }

  RoutingReferrals selfReferral() {
    this.referral.getCode().addCoding().setSystem(SNOMED).setCode("310434002");
    this.requester = new Reference().setType("Patient").setDisplay("the young person");
    return this;
  }

  RoutingReferrals reason(String snomedCode) {
    referral.addReasonCode().addCoding().setSystem(SNOMED).setCode(snomedCode);
    return this;
  }

  RoutingReferrals askingFor(String serviceType) {
    referral.getPerformerType().addCoding().setSystem(SERVICE_TYPES).setCode(serviceType);
    return this;
  }

  /**
   * Sends with the referral a Consent of this type for the organisation with this ODS code, given
   * by the young person (16+) or by their mother (under 16).
   */
  RoutingReferrals withConsent(Consent.ConsentProvisionType type, String odsCode) {
    consents.add(ConsentFixtures.consent(type, ConsentFixtures.actorOds(odsCode)));
    return this;
  }

  /** Sends with the referral a supporting questionnaire answer, with these security labels. */
  RoutingReferrals withSupportingInfo(String... securityLabels) {
    QuestionnaireResponse answers = new QuestionnaireResponse();
    answers.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
    answers
        .getIdentifier()
        .setSystem("https://referrer.example.org/assessments")
        .setValue(identifier + "-" + supportingInfo.size());
    for (String label : securityLabels) {
      answers
          .getMeta()
          .addSecurity("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", label, null);
    }
    supportingInfo.add(answers);
    return this;
  }

  /** The young person is registered with the GP practice with this ODS code. */
  RoutingReferrals registeredWith(String gpOdsCode) {
    this.registeredGp = gpOdsCode;
    return this;
  }

  /** Asks for the referral to be shared without consent (break-glass), for this reason. */
  RoutingReferrals breakingGlass(String reason) {
    Extension breakGlass = referral.addExtension().setUrl(ConformancePackage.BREAK_GLASS_EXTENSION);
    breakGlass.addExtension(
        "reason",
        new Coding(
            "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-break-glass-reason", reason, null));
    breakGlass.addExtension(
        "statement", new StringType("test: concern for the young person's safety"));
    return this;
  }

  /** The young person's NHS number, once the transaction has been built. */
  String nhsNumber() {
    return nhsNumber;
  }

  /** The referrer's identifier value: what the partner's copy is found by. */
  String identifier() {
    return identifier;
  }

  ServiceRequest serviceRequest() {
    ServiceRequest built = referral.copy();
    built.addIdentifier().setSystem("https://referrer.example.org/referrals").setValue(identifier);
    built.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    built.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    built.setPriority(priority);
    built.addCategory().addCoding().setSystem(PATHWAYS).setCode(pathway);
    built.setRequester(requester.copy());
    built.setAuthoredOn(new Date());
    if (!built.getCode().hasCoding()) {
      built.getCode().addCoding().setSystem(SNOMED).setCode("306206005");
    }
    return built;
  }

  Patient patient(String nhsNumber) {
    Patient patient = TestReferrals.youngPerson(nhsNumber);
    LocalDate born = LocalDate.now(ZoneId.of("Europe/London")).minusYears(ageYears).minusDays(30);
    patient.setBirthDate(Date.from(born.atStartOfDay(ZoneId.of("UTC")).toInstant()));
    patient.addAddress(new Address().setPostalCode("LS6 2AB"));
    if (registeredGp != null) {
      patient.addGeneralPractitioner(gp(registeredGp));
    }
    return patient;
  }

  /** Patient and referral as one transaction, the way provider systems send them. */
  Bundle transaction() {
    nhsNumber = NhsNumbers.next();
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    bundle
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(patient(nhsNumber))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=" + NhsNumbers.SYSTEM + "|" + nhsNumber);
    ServiceRequest serviceRequest = serviceRequest();
    serviceRequest.setSubject(new Reference(patientUrl));
    for (Resource resource : supportingInfo) {
      String url = "urn:uuid:" + UUID.randomUUID();
      Resource copy = resource.copy();
      ((QuestionnaireResponse) copy).setSubject(new Reference(patientUrl));
      bundle
          .addEntry()
          .setFullUrl(url)
          .setResource(copy)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl(copy.fhirType());
      serviceRequest.addSupportingInfo(new Reference(url));
    }
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(serviceRequest)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("ServiceRequest");
    if (!consents.isEmpty()) {
      ConsentFixtures.addConsents(bundle, patientUrl, ageYears, consents);
    }
    return bundle;
  }

  private static Reference gp(String odsCode) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(ODS).setValue(odsCode))
        .setDisplay("GP practice");
  }
}
