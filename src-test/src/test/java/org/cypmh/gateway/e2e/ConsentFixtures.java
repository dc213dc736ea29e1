package org.cypmh.gateway.e2e;

import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;

/** Consents as a provider system records them (CYPMH Consent profile). */
final class ConsentFixtures {

  static final String PROFILE = "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-consent";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  private ConsentFixtures() {}

  /** A Consent with one provision of this type for this actor; patient and performer unset. */
  static Consent consent(ConsentProvisionType type, Reference actor) {
    Consent consent = new Consent();
    consent.getMeta().addProfile(PROFILE);
    consent.setStatus(Consent.ConsentState.ACTIVE);
    consent.setScope(
        new CodeableConcept(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
    consent.addCategory(
        new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
    consent.setDateTime(new Date());
    consent
        .addPolicy()
        .setAuthority("https://northshire-camhs.example.org")
        .setUri("https://northshire-camhs.example.org/policies/information-sharing-with-partners");
    consent.getProvision().setType(type);
    consent
        .getProvision()
        .addActor()
        .setRole(
            new CodeableConcept(
                new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", null)))
        .setReference(actor);
    return consent;
  }

  static Reference actorOds(String odsCode) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(ODS).setValue(odsCode));
  }

  /**
   * Adds the Consents for the patient at {@code patientUrl} (a fullUrl or {@code Patient/id}):
   * given by the young person from 16, by their mother (added too) under 16.
   */
  static void addConsents(Bundle bundle, String patientUrl, int ageYears, List<Consent> consents) {
    Reference performer = new Reference(patientUrl);
    if (ageYears < 16) {
      String motherUrl = "urn:uuid:" + UUID.randomUUID();
      RelatedPerson mother = new RelatedPerson();
      mother.setPatient(new Reference(patientUrl));
      mother.addRelationship(
          new CodeableConcept(
              new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother")));
      mother.addName(new HumanName().setFamily("Test").addGiven("Parent"));
      bundle
          .addEntry()
          .setFullUrl(motherUrl)
          .setResource(mother)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("RelatedPerson");
      performer = new Reference(motherUrl);
    }
    for (Consent each : consents) {
      Consent consent = each.copy();
      consent.setPatient(new Reference(patientUrl));
      consent.getPerformer().clear();
      consent.addPerformer(performer);
      bundle
          .addEntry()
          .setFullUrl("urn:uuid:" + UUID.randomUUID())
          .setResource(consent)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.POST)
          .setUrl("Consent");
    }
  }
}
