package org.cypmh.gateway.e2e;

import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Goal;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;

/** Minimal resources standing in for what examples reference but do not define. */
final class Stubs {

  private Stubs() {}

  static Resource of(String reference) {
    String[] parts = reference.split("/");
    Resource stub =
        switch (parts[0]) {
          case "Organization" -> new Organization().setName(parts[1]);
          case "PractitionerRole" -> new PractitionerRole();
          case "CareTeam" -> new CareTeam();
          case "Goal" ->
              new Goal()
                  .setLifecycleStatus(Goal.GoalLifecycleStatus.ACTIVE)
                  .setDescription(new org.hl7.fhir.r4.model.CodeableConcept().setText(parts[1]))
                  .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/alex-gp-registered"));
          case "DocumentReference" -> {
            DocumentReference document =
                new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
            document
                .addContent()
                .getAttachment()
                .setContentType("application/pdf")
                .setUrl("https://gp.example.nhs.uk/summary.pdf");
            yield document;
          }
          case "QuestionnaireResponse" ->
              new QuestionnaireResponse()
                  .setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
          case "HealthcareService" -> new HealthcareService().setName(parts[1]);
          case "ServiceRequest" ->
              TestReferrals.eatingDisorderReferral("Onward referral")
                  .setSubject(new org.hl7.fhir.r4.model.Reference("Patient/alex-gp-registered"));
          default -> throw new IllegalArgumentException("No stub for " + reference);
        };
    stub.setId(parts[1]);
    return stub;
  }
}
