package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.profiles.api.TestReferrals.snomed;

import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * Required bindings to the terminology module's ValueSets (stubbed here). "Unknown" codes are real
 * SNOMED CT concepts from the seed list that are outside the bound ValueSet: the project never
 * invents SNOMED codes, even to test their rejection.
 */
class TerminologyBindingTest {

  // In the seed as a brief intervention, so not a reason for referral.
  private static final Coding CRISIS_INTERVENTION = snomed("24172008", "Crisis intervention");
  // In the seed as a reason for referral, so not a brief intervention.
  private static final Coding ANOREXIA = snomed("56882008", "Anorexia nervosa (disorder)");

  @Test
  void referralWithReasonFromTheValueSetIsAccepted() {
    assertThat(errors(TestReferrals.eatingDisorder())).isEmpty();
  }

  @Test
  void referralWithSnomedReasonOutsideTheValueSetIsRejected() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getReasonCode().clear();
    referral.addReasonCode(new CodeableConcept(CRISIS_INTERVENTION));

    assertThat(errors(referral))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLocationString()).isEqualTo("ServiceRequest.reasonCode[0].coding[0]");
              assertThat(e.getMessage()).contains("cypmh-referral-reason");
            });
  }

  @Test
  void referralWithTextOnlyReasonIsAccepted() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getReasonCode().clear();
    referral.addReasonCode().setText("Worried about weight loss; not yet assessed");

    assertThat(errors(referral)).isEmpty();
  }

  @Test
  void referralToUnknownPathwayIsRejected() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getCategory().clear();
    referral.addCategory(TestReferrals.pathway("adult-services"));

    assertThat(errors(referral))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e.getLocationString()).isEqualTo("ServiceRequest.category[0]"));
  }

  @Test
  void briefInterventionWithSnomedCodeOutsideTheValueSetIsRejected() {
    Procedure procedure = TestReferrals.cbtEd();
    procedure.setCode(new CodeableConcept(ANOREXIA));

    assertThat(errors(procedure))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLocationString()).isEqualTo("Procedure.code.coding[0]");
              assertThat(e.getMessage()).contains("cypmh-brief-intervention");
            });
  }

  @Test
  void briefInterventionMayCarryALocalCodingBesideSnomed() {
    Procedure procedure = TestReferrals.cbtEd();
    procedure
        .getCode()
        .addCoding(
            new Coding("https://beacon-ed.example.org/CodeSystem/intervention", "CBTE-10", null));

    assertThat(errors(procedure)).isEmpty();
  }

  @Test
  void briefInterventionWithOnlyALocalCodingIsRejected() {
    Procedure procedure = TestReferrals.cbtEd();
    procedure.setCode(
        new CodeableConcept(
            new Coding("https://beacon-ed.example.org/CodeSystem/intervention", "CBTE-10", null)));

    assertThat(errors(procedure))
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.getLocationString()).isEqualTo("Procedure");
              assertThat(error.getMessage()).contains("cypmh-bi-1");
            });
  }

  @Test
  void briefInterventionTheGatewayFlaggedAsUnmappedNeedsNoSnomedCoding() {
    Procedure procedure = TestReferrals.cbtEd();
    procedure.setCode(
        new CodeableConcept(
            new Coding("https://beacon-ed.example.org/CodeSystem/intervention", "CBTE-10", null)));
    procedure
        .getMeta()
        .addTag(
            "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-intake-flag",
            "unmapped-local-code",
            null);

    assertThat(errors(procedure)).isEmpty();
  }

  private static List<SingleValidationMessage> errors(IBaseResource resource) {
    return Validators.errors(Validators.VALIDATOR.validate(resource));
  }
}
