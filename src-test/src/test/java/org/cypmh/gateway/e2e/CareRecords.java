package org.cypmh.gateway.e2e;

import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;

/**
 * What services record after a referral: brief interventions delivered (CYPMH brief intervention
 * Procedure) and transition care plans (CYPMH transition CarePlan), shaped like the packaged valid
 * examples. SNOMED CT codes are those of the examples and the brief-intervention seed ValueSet.
 */
final class CareRecords {

  static final String BRIEF_INTERVENTION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-brief-intervention";
  static final String TRANSITION_CAREPLAN =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-transition-careplan";
  static final String AGREED_WITH_YOUNG_PERSON =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-agreed-with-young-person";

  /** Brief intervention codes (cypmh-brief-intervention) with the ODS code of who delivers them. */
  private record Intervention(String code, String display, String providerOds) {}

  private static final List<Intervention> INTERVENTIONS =
      List.of(
          new Intervention(
              "1111811000000109",
              "CBT-ED - Cognitive behavioural therapy for eating disorders",
              "8ZZ01"),
          new Intervention("313071005", "Counseling for substance abuse (procedure)", "YJZ01"),
          new Intervention("401157001", "Brief solution focused psychotherapy", "8ZZ03"),
          new Intervention("51484002", "Family therapy", "RZZ"),
          new Intervention("409063005", "Counselling", "8ZZ02"));

  private CareRecords() {}

  /** A completed brief intervention for a stored young person, based on their referral. */
  static Procedure briefIntervention(String patientId, String referralId) {
    Intervention intervention =
        INTERVENTIONS.get(ThreadLocalRandom.current().nextInt(INTERVENTIONS.size()));
    Procedure procedure = new Procedure();
    procedure.getMeta().addProfile(BRIEF_INTERVENTION);
    procedure.addBasedOn(new Reference(referralId));
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure
        .getCode()
        .addCoding(
            new Coding("http://snomed.info/sct", intervention.code(), intervention.display()));
    procedure.setSubject(new Reference(patientId));
    procedure.setPerformed(new DateTimeType(new Date()));
    procedure
        .addPerformer()
        .setActor(
            new Reference()
                .setType("Organization")
                .setIdentifier(
                    new Identifier()
                        .setSystem(RoutingReferrals.ODS)
                        .setValue(intervention.providerOds())));
    return procedure;
  }

  /** CAMHS's plan for a young person's move to adult services, agreed with them. */
  static CarePlan transitionCarePlan(String patientId, String referralId) {
    CarePlan plan = new CarePlan();
    plan.getMeta().addProfile(TRANSITION_CAREPLAN);
    plan.addExtension(AGREED_WITH_YOUNG_PERSON, new BooleanType(true));
    plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    plan.setIntent(CarePlan.CarePlanIntent.PLAN);
    plan.addCategory(
        new CodeableConcept(
            new Coding(
                "http://snomed.info/sct",
                "718347000",
                "Mental health care plan (record artifact)")));
    plan.addCategory(new CodeableConcept().setText("Transition to adult services"));
    plan.setTitle("Transition from CAMHS to adult community mental health team");
    plan.setSubject(new Reference(patientId));
    Date now = new Date();
    plan.setPeriod(new Period().setStart(now));
    plan.setCreated(now);
    plan.setAuthor(new Reference().setDisplay("CAMHS transitions lead"));
    plan.addActivity().setReference(new Reference(referralId));
    return plan;
  }
}
