package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The refusals a policy throws from a hook, each an OperationOutcome with one issue naming the
 * element it is about: 403 {@code forbidden} (this partner may not), 422 {@code business-rule} (no
 * partner may send this).
 */
public final class Refusal {

  private Refusal() {}

  public static ForbiddenOperationException forbidden(String reason, String expression) {
    return new ForbiddenOperationException(
        reason, outcome(IssueType.FORBIDDEN, reason, expression));
  }

  public static UnprocessableEntityException businessRule(String reason, String expression) {
    return new UnprocessableEntityException(
        reason, outcome(IssueType.BUSINESSRULE, reason, expression));
  }

  private static OperationOutcome outcome(IssueType type, String reason, String expression) {
    return ErrorOutcome.of(type, reason, expression);
  }
}
