package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Which CarePlans are transition plans: one validated on its own (POST /CarePlan), or one in a
 * Bundle that carries {@code cypmh-agreed-with-young-person} (or claims the profile). A CarePlan
 * that travels with a referral as supporting information is validated against base R4 only.
 */
class CarePlanProfileRuleTest {

  private static CarePlan supportingPlan() {
    // A GP practice's asthma plan sent with a referral: no SNOMED transition category, no
    // agreement extension; neither is a transition plan's business.
    CarePlan plan = new CarePlan();
    plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    plan.setIntent(CarePlan.CarePlanIntent.PLAN);
    plan.setSubject(new Reference("Patient/1"));
    plan.setTitle("Asthma management plan");
    return plan;
  }

  private static Bundle transactionWith(CarePlan plan) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle
        .addEntry()
        .setFullUrl("urn:uuid:0b7c8e0e-7d1d-4a8c-9d62-3c1f0a5e2f11")
        .setResource(plan)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("CarePlan");
    return bundle;
  }

  @Test
  void supportingCarePlanInABundleIsNotHeldToTheTransitionProfile() {
    assertThat(Validators.errors(Validators.VALIDATOR.validate(transactionWith(supportingPlan()))))
        .isEmpty();
  }

  @Test
  void carePlanPostedOnItsOwnIsHeldToTheTransitionProfile() {
    assertThat(Validators.errors(Validators.VALIDATOR.validate(supportingPlan())))
        .extracting(m -> m.getLocationString())
        .contains("CarePlan.category", "CarePlan.extension");
  }

  @Test
  void carePlanInABundleMarkedAsAgreedIsHeldToTheTransitionProfile() {
    CarePlan marked = supportingPlan();
    marked.addExtension(
        ConformancePackage.AGREED_WITH_YOUNG_PERSON_EXTENSION, new BooleanType(true));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(transactionWith(marked))))
        .extracting(m -> m.getLocationString())
        .anySatisfy(
            l -> assertThat(l).startsWith("Bundle.entry[0].resource").endsWith(".category"));
  }
}
