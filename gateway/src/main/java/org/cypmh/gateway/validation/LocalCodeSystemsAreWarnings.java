package org.cypmh.gateway.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;

/**
 * Partners send their own local codings beside SNOMED CT; a code system the gateway does not hold
 * is reported as a warning, not a reason to refuse a referral. Required bindings still apply: a
 * local coding alone never satisfies one.
 *
 * <p>HAPI's own post-processing interceptor for this matches on message ids, which the validator
 * leaves empty for issues inside Bundle entries; this matches on the message itself.
 */
class LocalCodeSystemsAreWarnings {

  private static final String UNKNOWN_CODE_SYSTEM = "CodeSystem is unknown and can't be validated";

  @Hook(Pointcut.VALIDATION_COMPLETED)
  ValidationResult downgrade(ValidationResult result) {
    for (SingleValidationMessage message : result.getMessages()) {
      if (message.getSeverity() == ResultSeverityEnum.ERROR
          && message.getMessage() != null
          && message.getMessage().contains(UNKNOWN_CODE_SYSTEM)) {
        message.setSeverity(ResultSeverityEnum.WARNING);
      }
    }
    return null;
  }
}
