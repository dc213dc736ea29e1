package org.cypmh.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The policy's classification table, on messages as FHIR core 6.7.x under HAPI 8.8 reports them
 * (copied from validating the UK Core fixtures with and without the package, on the gateway's
 * chain).
 */
class ValidationPolicyTest {

  @ParameterizedTest(name = "{0} / {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          Validation_VAL_Profile_Unknown      | ERROR       | Profile reference 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient' has not been checked because it could not be found | unknown-profile
          -                                   | ERROR       | Profile reference 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient' has not been checked because it could not be found | unknown-profile
          Extension_EXT_Unknown               | INFORMATION | Unknown extension https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory | unknown-extension
          Terminology_PassThrough_TX_Message  | WARNING     | CodeSystem is unknown and can't be validated: https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland for 'https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland#N' | unknown-code-system
          -                                   | ERROR       | CodeSystem is unknown and can't be validated: https://first-steps-ed.example.org/codes for 'https://first-steps-ed.example.org/codes#FS-CBTE' | unknown-code-system
          Terminology_PassThrough_TX_Message  | WARNING     | Unable to expand ValueSet: cannot apply filters '[x]' because CodeSystem 'http://snomed.info/sct' is ignored/not-present | valueset-not-expandable
          Terminology_PassThrough_TX_Message  | ERROR       | Unknown code '13746004' in the CodeSystem 'http://snomed.info/sct' version 'http://snomed.info/sct/83821000000107' | code-not-held
          -                                   | ERROR       | Unknown code '13746004' in the CodeSystem 'http://snomed.info/sct' | code-not-held
          Terminology_TX_NoValid_1_CC         | ERROR       | None of the codings provided are in the value set 'UK Core NHS Number Verification Status' (https://fhir.hl7.org.uk/ValueSet/UKCore-NHSNumberVerificationStatus), and a coding from this value set is required) (codes = https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus#number-present-and-verified) | not-in-external-valueset
          Terminology_TX_NoValid_1_CC         | ERROR       | None of the codings provided are in the value set 'All Languages' (http://hl7.org/fhir/ValueSet/all-languages), and a coding from this value set is required) (codes = urn:ietf:bcp:47#en-GB) | not-in-external-valueset
          Questionnaire_QR_Q_NotFound         | WARNING     | The questionnaire 'https://example.org/Questionnaire/q' could not be resolved, so no validation can be performed against the base questionnaire | other
          """)
  void unknownContentIsAWarning(String id, ResultSeverityEnum severity, String text, String kind) {
    SingleValidationMessage message = message(id, severity, text);

    List<ValidationPolicy.Finding> findings =
        new ValidationPolicy(false, Set.of(), Set.of()).apply(List.of(message), "8HV48");

    assertThat(findings).singleElement().satisfies(f -> assertThat(f.kind().tag()).isEqualTo(kind));
    assertThat(message.getSeverity()).isEqualTo(ResultSeverityEnum.WARNING);
  }

  @ParameterizedTest(name = "{0} / {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          Terminology_TX_NoValid_1_CC | ERROR | None of the codings provided are in the value set 'CYPMH referral reason' (https://cypmh-gateway.org/fhir/ValueSet/cypmh-referral-reason|0.1.0), and a coding from this value set is required) (codes = http://snomed.info/sct#24172008)
          Validation_VAL_Profile_Minimum | ERROR | ServiceRequest.subject: minimum required = 1, but only found 0 (from https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-referral|0.1.0)
          -                           | ERROR | NHS number has an invalid check digit
          Unknown_Code_in_Version     | ERROR | Unknown code 'FS-X' in the CodeSystem 'https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway'
          Terminology_TX_NoValid_3_CC | INFORMATION | None of the codings provided are in the value set 'UK Core Procedure Code', and a coding is recommended to come from this value set
          """)
  void whatTheGatewayOwnsIsLeftAsReported(String id, ResultSeverityEnum severity, String text) {
    SingleValidationMessage message = message(id, severity, text);

    List<ValidationPolicy.Finding> findings =
        new ValidationPolicy(false, Set.of(), Set.of()).apply(List.of(message), "8HV48");

    assertThat(findings).isEmpty();
    assertThat(message.getSeverity()).isEqualTo(severity);
  }

  @Test
  void anOperatorRefusesAKindForEveryoneOrEverythingForSomePartners() {
    ValidationPolicy byKind =
        new ValidationPolicy(false, Set.of(UnknownContent.UNKNOWN_PROFILE), Set.of());
    ValidationPolicy byPartner = new ValidationPolicy(false, Set.of(), Set.of("RXY"));
    ValidationPolicy strict = new ValidationPolicy(true, Set.of(), Set.of());

    assertThat(byKind.refuses(UnknownContent.UNKNOWN_PROFILE, "8HV48")).isTrue();
    assertThat(byKind.refuses(UnknownContent.CODE_NOT_HELD, "8HV48")).isFalse();
    assertThat(byPartner.refuses(UnknownContent.CODE_NOT_HELD, "rxy")).isTrue();
    assertThat(byPartner.refuses(UnknownContent.CODE_NOT_HELD, "8HV48")).isFalse();
    assertThat(byPartner.refuses(UnknownContent.CODE_NOT_HELD, null)).isFalse();
    assertThat(strict.refuses(UnknownContent.OTHER, null)).isTrue();

    SingleValidationMessage unknownProfile =
        message(
            "Validation_VAL_Profile_Unknown",
            ResultSeverityEnum.ERROR,
            "Profile reference 'x' has not been checked because it could not be found");
    assertThat(byKind.apply(List.of(unknownProfile), "8HV48"))
        .singleElement()
        .satisfies(f -> assertThat(f.refused()).isTrue());
    assertThat(unknownProfile.getSeverity()).isEqualTo(ResultSeverityEnum.ERROR);
  }

  private static SingleValidationMessage message(
      String id, ResultSeverityEnum severity, String text) {
    SingleValidationMessage message = new SingleValidationMessage();
    message.setMessageId(id);
    message.setSeverity(severity);
    message.setMessage(text);
    message.setLocationString("Bundle.entry[0].resource");
    return message;
  }
}
