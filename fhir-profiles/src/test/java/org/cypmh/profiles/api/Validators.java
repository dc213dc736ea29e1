package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.utilities.settings.FhirSettings;

/**
 * One validator for the whole test run: building the chain loads every base R4 definition, and
 * warming it generates our snapshots, which is worth doing once rather than per test class.
 */
final class Validators {

  static {
    // Tests reach no host outside loopback; fail rather than let FHIR core fetch packages online.
    FhirSettings.setProhibitNetworkAccess(true);
  }

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final ConformancePackage PACKAGE = ConformancePackage.load(FHIR);
  static final ValidationSupportChain CHAIN =
      ValidationChain.build(FHIR, PACKAGE, TerminologyStub.load(FHIR));
  static final ProfileValidator VALIDATOR = ProfileValidator.create(FHIR, CHAIN);

  private Validators() {}

  static List<SingleValidationMessage> errors(ValidationResult result) {
    return result.getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }

  static String describe(List<SingleValidationMessage> messages) {
    return messages.stream()
        .map(
            m ->
                m.getSeverity()
                    + " ["
                    + m.getMessageId()
                    + "] @ "
                    + m.getLocationString()
                    + ": "
                    + m.getMessage())
        .collect(Collectors.joining("\n  ", "\n  ", ""));
  }
}
