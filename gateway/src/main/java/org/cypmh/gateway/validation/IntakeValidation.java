package org.cypmh.gateway.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

/**
 * Validates every request body (create, update, transaction and batch entries, messages) against
 * the CYPMH profiles before anything is stored: errors answer 422 with an OperationOutcome whose
 * issues carry the FHIRPath {@code expression} of the offending element; warnings do not block.
 * HAPI's own request-validating interceptor does the work with our validator modules; {@link
 * ValidationPolicy} then decides, for the calling partner, which issues are warnings (returned and
 * counted by {@link ValidationWarnings}) and which refuse the request.
 */
class IntakeValidation extends RequestValidatingInterceptor implements FhirServerInterceptor {

  /**
   * The validator annotates Bundle entry paths, e.g. {@code resource/*ServiceRequest/null*}{@code
   * /}.
   */
  private static final Pattern PATH_COMMENT = Pattern.compile("/\\*.*?\\*/");

  private final ValidationPolicy policy;
  private final ValidationWarnings warnings;

  IntakeValidation(FhirValidator validator, ValidationPolicy policy, ValidationWarnings warnings) {
    this.policy = policy;
    this.warnings = warnings;
    setValidator(validator);
    // The policy decides what refuses a request, after the validator has run (see validate).
    setFailOnSeverity(null);
    // Outcomes go in the response body only: headers would copy issue text (which can quote
    // submitted values) into proxies' and load balancers' logs.
    setAddResponseHeaderOnSeverity(null);
    // ValidationWarnings returns the warnings, with their kind, where the response has room.
    setAddValidationResultsToResponseOperationOutcome(false);
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
    ValidationResult result = super.validate(request, requestDetails);
    if (result == null) {
      return null;
    }
    String partner = Caller.of(requestDetails).odsCode();
    Map<SingleValidationMessage, UnknownContent> kinds = new IdentityHashMap<>();
    policy.apply(result.getMessages(), partner).forEach(f -> kinds.put(f.message(), f.kind()));
    OperationOutcome outcome = toOperationOutcome(requestDetails.getFhirContext(), result, kinds);
    List<ValidationWarnings.Warning> found = new ArrayList<>();
    for (int i = 0; i < result.getMessages().size(); i++) {
      SingleValidationMessage message = result.getMessages().get(i);
      if (message.getSeverity() == ResultSeverityEnum.WARNING) {
        found.add(
            new ValidationWarnings.Warning(
                outcome.getIssue().get(i), kinds.getOrDefault(message, UnknownContent.OTHER)));
      }
    }
    warnings.record(requestDetails, partner, found);
    if (result.getMessages().stream()
        .anyMatch(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())) {
      warnings.refused(partner);
      throw refusal(outcome);
    }
    return result;
  }

  /**
   * One issue per message, in order (HAPI's own conversion adds an "all OK" issue to an empty
   * result, so it is done message by message): FHIRPaths cleaned of the validator's comments, and
   * the kind of unknown content, where it is one, as a {@code details} coding the sender can act
   * on.
   */
  private static OperationOutcome toOperationOutcome(
      FhirContext fhirContext,
      ValidationResult result,
      Map<SingleValidationMessage, UnknownContent> kinds) {
    OperationOutcome outcome = new OperationOutcome();
    for (SingleValidationMessage message : result.getMessages()) {
      OperationOutcome single =
          (OperationOutcome)
              new ValidationResult(fhirContext, List.of(message)).toOperationOutcome();
      OperationOutcome.OperationOutcomeIssueComponent issue = single.getIssueFirstRep();
      issue.getExpression().forEach(IntakeValidation::clean);
      issue.getLocation().forEach(IntakeValidation::clean);
      UnknownContent kind = kinds.get(message);
      if (kind != null) {
        issue
            .getDetails()
            .addCoding()
            .setSystem(ValidationWarnings.KIND_SYSTEM)
            .setCode(kind.tag());
      }
      outcome.addIssue(issue);
    }
    return outcome;
  }

  private static UnprocessableEntityException refusal(OperationOutcome outcome) {
    long errors =
        outcome.getIssue().stream()
            .filter(
                i ->
                    i.getSeverity() == OperationOutcome.IssueSeverity.ERROR
                        || i.getSeverity() == OperationOutcome.IssueSeverity.FATAL)
            .count();
    return new UnprocessableEntityException(
        "The request does not conform to the CYPMH profiles: " + errors + " error(s)", outcome);
  }

  private static void clean(StringType path) {
    path.setValue(PATH_COMMENT.matcher(path.getValue()).replaceAll(""));
  }
}
