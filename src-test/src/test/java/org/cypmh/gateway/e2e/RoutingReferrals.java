package org.cypmh.gateway.e2e;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;

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
  private final ServiceRequest referral = new ServiceRequest();

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
    return patient;
  }

  /** Patient and referral as one transaction, the way provider systems send them. */
  Bundle transaction() {
    String nhsNumber = NhsNumbers.next();
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
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(serviceRequest)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("ServiceRequest");
    return bundle;
  }

  private static Reference gp(String odsCode) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(ODS).setValue(odsCode))
        .setDisplay("GP practice");
  }
}
