package org.cypmh.terminology.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport.CodeValidationResult;
import ca.uhn.fhir.context.support.IValidationSupport.LookupCodeResult;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.junit.jupiter.api.Test;

/**
 * The packaged CodeSystems and ValueSets serve lookup and validate-code through HAPI's in-memory
 * chain, as profile validation of a referral uses them.
 */
class InMemoryTerminologyTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final ValidationSupportChain chain = InMemoryChain.of(FHIR);

  @Test
  void seedReasonIsValidInTheReferralReasonValueSet() {
    CodeValidationResult result =
        validate(TerminologyContent.SNOMED, "56882008", TerminologyContent.REFERRAL_REASONS);

    assertThat(result).isNotNull();
    assertThat(result.isOk()).as(result.getMessage()).isTrue();
    assertThat(result.getDisplay()).isEqualTo("Anorexia nervosa");
  }

  @Test
  void referralProcedureIsNotAValidReasonForReferral() {
    CodeValidationResult result =
        validate(TerminologyContent.SNOMED, "3457005", TerminologyContent.REFERRAL_REASONS);

    assertThat(result == null || !result.isOk()).isTrue();
  }

  @Test
  void adultServiceIsNotACamhsServiceType() {
    CodeValidationResult camhs =
        validate(
            TerminologyContent.SERVICE_TYPE_SYSTEM,
            "camhs-crisis",
            TerminologyContent.CAMHS_SERVICE_TYPES);
    CodeValidationResult adult =
        validate(
            TerminologyContent.SERVICE_TYPE_SYSTEM,
            "adult-crisis",
            TerminologyContent.CAMHS_SERVICE_TYPES);

    assertThat(camhs.isOk()).isTrue();
    assertThat(adult == null || !adult.isOk()).isTrue();
  }

  @Test
  void breakGlassReasonsAreValidOnlyFromTheirOwnSystem() {
    CodeValidationResult safeguarding =
        validate(
            TerminologyContent.BREAK_GLASS_REASON_SYSTEM,
            "safeguarding",
            TerminologyContent.BREAK_GLASS_REASONS);
    CodeValidationResult unknown =
        validate(
            TerminologyContent.BREAK_GLASS_REASON_SYSTEM,
            "clinician-preference",
            TerminologyContent.BREAK_GLASS_REASONS);
    CodeValidationResult pathway =
        validate(
            TerminologyContent.REFERRAL_PATHWAY_SYSTEM,
            "crisis",
            TerminologyContent.BREAK_GLASS_REASONS);

    assertThat(safeguarding.isOk()).as(safeguarding.getMessage()).isTrue();
    assertThat(safeguarding.getDisplay()).isEqualTo("Safeguarding concern");
    assertThat(unknown == null || !unknown.isOk()).isTrue();
    assertThat(pathway == null || !pathway.isOk()).isTrue();
  }

  @Test
  void lookupGivesTheFragmentDisplayOfAUkExtensionConcept() {
    LookupCodeResult result =
        chain.lookupCode(
            new ValidationSupportContext(chain),
            new LookupCodeRequest(TerminologyContent.SNOMED, "1127191000000108"));

    assertThat(result).isNotNull();
    assertThat(result.isFound()).isTrue();
    assertThat(result.getCodeDisplay()).isEqualTo("First episode psychosis");
  }

  private CodeValidationResult validate(String system, String code, String valueSetUrl) {
    return chain.validateCode(
        new ValidationSupportContext(chain),
        new ConceptValidationOptions(),
        system,
        code,
        null,
        valueSetUrl);
  }
}
