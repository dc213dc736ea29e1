package org.cypmh.gateway.validation;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.regex.Pattern;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

/**
 * Validates every request body (create, update, transaction and batch entries, messages) against
 * the CYPMH profiles before anything is stored: errors answer 422 with an OperationOutcome whose
 * issues carry the FHIRPath {@code expression} of the offending element; warnings do not block.
 * HAPI's own request-validating interceptor does the work with our validator modules.
 */
class IntakeValidation extends RequestValidatingInterceptor implements FhirServerInterceptor {

  /**
   * The validator annotates Bundle entry paths, e.g. {@code resource/*ServiceRequest/null*}{@code
   * /}.
   */
  private static final Pattern PATH_COMMENT = Pattern.compile("/\\*.*?\\*/");

  IntakeValidation(FhirValidator validator) {
    setValidator(validator);
    setFailOnSeverity(ResultSeverityEnum.ERROR);
    // Outcomes go in the response body only: headers would copy issue text (which can quote
    // submitted values) into proxies' and load balancers' logs.
    setAddResponseHeaderOnSeverity(null);
  }

  /**
   * A body that is not even FHIR is HAPI's to refuse (400, with the parser's message); the
   * validator would report it as an internal error, which would turn it into a 500.
   */
  @Override
  protected ValidationResult validate(String request, RequestDetails requestDetails) {
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(requestDetails);
    if (encoding == null || request == null) {
      return null;
    }
    try {
      encoding.newParser(requestDetails.getFhirContext()).parseResource(request);
    } catch (DataFormatException e) {
      return null;
    }
    return super.validate(request, requestDetails);
  }

  @Override
  protected void fail(RequestDetails request, ValidationResult result) {
    OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
    outcome
        .getIssue()
        .forEach(
            issue -> {
              issue.getExpression().forEach(IntakeValidation::clean);
              issue.getLocation().forEach(IntakeValidation::clean);
            });
    long errors =
        outcome.getIssue().stream()
            .filter(
                i ->
                    i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
            .count();
    throw new UnprocessableEntityException(
        "The request does not conform to the CYPMH profiles: " + errors + " error(s)", outcome);
  }

  private static void clean(StringType path) {
    path.setValue(PATH_COMMENT.matcher(path.getValue()).replaceAll(""));
  }
}
