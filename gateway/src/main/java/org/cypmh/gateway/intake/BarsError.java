package org.cypmh.gateway.intake;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The error codes a BaRS service answers with (NHS "http-error-codes", BaRS API specification), so
 * a sender's BaRS client can act on them as it would with any other BaRS service. {@code REC_*}:
 * the gateway as the receiver of the message; {@code PROXY_*}: the gateway as the proxy that
 * forwards it to the target named by {@code NHSD-Target-Identifier}.
 */
enum BarsError {
  REC_BAD_REQUEST(400, OperationOutcome.IssueType.INVALID),
  /** The sender may not do this (e.g. answer a referral that was not delivered to it). */
  REC_FORBIDDEN(403, OperationOutcome.IssueType.FORBIDDEN),
  REC_NOT_FOUND(404, OperationOutcome.IssueType.NOTFOUND),
  REC_CONFLICT(409, OperationOutcome.IssueType.CONFLICT),
  REC_UNPROCESSABLE_ENTITY(422, OperationOutcome.IssueType.BUSINESSRULE),
  /** A proxy header ({@code NHSD-Target-Identifier}) that cannot be decoded or has no system. */
  PROXY_BAD_REQUEST(400, OperationOutcome.IssueType.INVALID),
  /** The target named by {@code NHSD-Target-Identifier} is not in the directory. */
  PROXY_NOT_FOUND(404, OperationOutcome.IssueType.NOTFOUND);

  static final String SYSTEM = "https://fhir.nhs.uk/CodeSystem/http-error-codes";

  private final int status;
  private final OperationOutcome.IssueType issueType;

  BarsError(int status, OperationOutcome.IssueType issueType) {
    this.status = status;
    this.issueType = issueType;
  }

  int status() {
    return status;
  }

  /** An exception HAPI turns into this status with an OperationOutcome carrying the BaRS code. */
  BaseServerResponseException exception(String diagnostics, String expression) {
    OperationOutcome outcome =
        ErrorOutcome.of(
            issueType,
            diagnostics,
            expression,
            new org.hl7.fhir.r4.model.Coding(SYSTEM, name(), null));
    return switch (status) {
      case 403 -> new ForbiddenOperationException(diagnostics, outcome);
      case 404 -> new ResourceNotFoundException(diagnostics, outcome);
      case 409 -> new ResourceVersionConflictException(diagnostics, null, outcome);
      case 422 -> new UnprocessableEntityException(diagnostics, outcome);
      default -> new InvalidRequestException(diagnostics, outcome);
    };
  }
}
