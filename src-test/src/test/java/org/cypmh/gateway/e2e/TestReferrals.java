package org.cypmh.gateway.e2e;

import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/** Referral fixtures as a provider system would send them. */
final class TestReferrals {

  private TestReferrals() {}

  static Patient youngPerson(String nhsNumber) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(NhsNumbers.SYSTEM).setValue(nhsNumber);
    patient.addName().setFamily("Okafor").addGiven("Jordan");
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new DateType("2009-03-14"));
    return patient;
  }

  static ServiceRequest eatingDisorderReferral(String reasonText) {
    ServiceRequest referral = new ServiceRequest();
    referral
        .addIdentifier()
        .setSystem("https://first-steps-ed.example.org/referrals")
        .setValue(UUID.randomUUID().toString());
    referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    referral.setPriority(ServiceRequest.ServiceRequestPriority.URGENT);
    referral
        .addCategory()
        .addCoding()
        .setSystem("https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway")
        .setCode("eating-disorders");
    referral
        .getRequester()
        .setIdentifier(
            new Identifier()
                .setSystem("https://fhir.nhs.uk/Id/ods-organization-code")
                .setValue("8HV48"))
        .setDisplay("First Steps ED");
    referral
        .getCode()
        .addCoding()
        .setSystem("http://snomed.info/sct")
        .setCode("400973003")
        .setDisplay("Referral to eating disorders clinic");
    referral.addReasonCode().setText(reasonText);
    referral.addNote().setText("Restrictive eating for 4 months.");
    return referral;
  }

  /** Patient conditional-created on NHS number, plus the referral pointing at it. */
  static Bundle transaction(String nhsNumber, ServiceRequest referral) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    bundle
        .addEntry()
        .setFullUrl(patientUrl)
        .setResource(youngPerson(nhsNumber))
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=" + NhsNumbers.SYSTEM + "|" + nhsNumber);
    referral.setSubject(new Reference(patientUrl));
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:" + UUID.randomUUID())
        .setResource(referral)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("ServiceRequest");
    return bundle;
  }
}
