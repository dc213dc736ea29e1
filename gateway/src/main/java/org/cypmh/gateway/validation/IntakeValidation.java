package org.cypmh.gateway.validation;

import ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.ProfileValidator;

/**
 * Validates every request body (create, update, transaction and batch entries, messages) against
 * the CYPMH profiles before anything is stored: errors answer 422 with an OperationOutcome whose
 * issues carry the FHIRPath {@code expression} of the offending element; warnings do not block.
 * HAPI's own request-validating interceptor does the work with our validator modules.
 */
class IntakeValidation extends RequestValidatingInterceptor implements FhirServerInterceptor {

  IntakeValidation(ProfileValidator validator) {
    setValidatorModules(validator.modules());
    setFailOnSeverity(ResultSeverityEnum.ERROR);
    // Outcomes go in the response body only: headers would copy issue text (which can quote
    // submitted values) into proxies' and load balancers' logs.
    setAddResponseHeaderOnSeverity(null);
  }
}
