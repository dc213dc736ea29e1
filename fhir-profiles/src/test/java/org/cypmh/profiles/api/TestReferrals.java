package org.cypmh.profiles.api;

import static org.cypmh.profiles.api.ConformancePackage.CANONICAL_BASE;
import static org.cypmh.profiles.api.ConformancePackage.NHS_NUMBER_SYSTEM;
import static org.cypmh.profiles.api.ConformancePackage.ODS_ORGANIZATION_SYSTEM;
import static org.cypmh.profiles.api.ConformancePackage.SNOMED_SYSTEM;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestIntent;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * Builders for conformant resources; tests break one thing at a time. Nothing here claims a profile
 * in {@code meta.profile}: the gateway applies profiles by resource type.
 */
final class TestReferrals {

  static final String VALID_NHS_NUMBER = "9449305552";
  static final String PATHWAY_SYSTEM = CANONICAL_BASE + "/CodeSystem/cypmh-referral-pathway";

  private TestReferrals() {}

  static Patient youngPerson() {
    Patient patient = new Patient();
    patient.setId("maya");
    patient.addIdentifier(nhsNumber(VALID_NHS_NUMBER));
    patient.addName(new HumanName().setFamily("Okafor").addGiven("Maya"));
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new DateType("2011-03-14"));
    return patient;
  }

  static Identifier nhsNumber(String value) {
    return new Identifier().setSystem(NHS_NUMBER_SYSTEM).setValue(value);
  }

  /** A VCSE eating-disorder charity refers a young person to the CAMHS eating disorder team. */
  static ServiceRequest eatingDisorder() {
    ServiceRequest referral = new ServiceRequest();
    referral.setId("beds-7731");
    referral.addIdentifier(
        new Identifier().setSystem("https://beacon-ed.example.org/Id/case").setValue("BEDS-7731"));
    referral.setStatus(ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequestIntent.ORDER);
    referral.addCategory(pathway("eating-disorders"));
    referral.setPriority(ServiceRequestPriority.URGENT);
    referral.setSubject(new Reference("Patient/maya"));
    referral.setAuthoredOnElement(new DateTimeType("2026-11-20T14:30:00+00:00"));
    referral.setRequester(
        new Reference("Organization/beacon-ed-support")
            .setIdentifier(new Identifier().setSystem(ODS_ORGANIZATION_SYSTEM).setValue("8ZZ01")));
    referral.addReasonCode(
        new CodeableConcept(snomed("56882008", "Anorexia nervosa (disorder)"))
            .setText("Restrictive eating, weight loss over 3 months"));
    return referral;
  }

  /** Patient (conditional create) and referral, as a provider system posts them. */
  static Bundle transaction(Patient patient, ServiceRequest referral) {
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    String patientUuid = "urn:uuid:4c1f8a2e-6d0b-4f3e-9a57-1b2c3d4e5f60";
    patient.setId(patientUuid);
    bundle
        .addEntry()
        .setFullUrl(patientUuid)
        .setResource(patient)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Patient")
        .setIfNoneExist("identifier=" + NHS_NUMBER_SYSTEM + "|" + VALID_NHS_NUMBER);
    referral.setId((String) null);
    referral.setSubject(new Reference(patientUuid));
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
        .setResource(referral)
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("ServiceRequest");
    return bundle;
  }

  static Bundle eatingDisorderTransaction() {
    return transaction(youngPerson(), eatingDisorder());
  }

  /** A VCSE charity's record of CBT-ED delivered to the young person. */
  static Procedure cbtEd() {
    Procedure procedure = new Procedure();
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setCode(
        new CodeableConcept(
            snomed(
                "1111811000000109",
                "CBT-ED - Cognitive behavioural therapy for eating disorders")));
    procedure.setSubject(new Reference("Patient/maya"));
    procedure.setPerformed(new DateTimeType("2026-11-10T15:00:00+00:00"));
    procedure.addPerformer().setActor(new Reference("Organization/beacon-ed-support"));
    procedure.addBasedOn(new Reference("ServiceRequest/beds-7731"));
    return procedure;
  }

  static CodeableConcept pathway(String code) {
    return new CodeableConcept(new Coding(PATHWAY_SYSTEM, code, null));
  }

  static Coding snomed(String code, String display) {
    return new Coding(SNOMED_SYSTEM, code, display);
  }
}
