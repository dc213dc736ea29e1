package org.cypmh.gateway.intake;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * The validation warnings of the current request (what the gateway tolerated but the sender should
 * fix: an unknown profile, extension or code), for the BaRS response message. One accessor, so the
 * validation policy that records them and the messaging that reports them meet in one place.
 */
final class ValidationWarnings {

  /** RequestDetails user data under which validation leaves its warning issues. */
  static final String USER_DATA = ValidationWarnings.class.getName() + ".issues";

  private ValidationWarnings() {}

  /** The warnings recorded for this request; empty if there are none. */
  @SuppressWarnings("unchecked")
  static List<OperationOutcome.OperationOutcomeIssueComponent> of(RequestDetails request) {
    if (request != null && request.getUserData().get(USER_DATA) instanceof List<?> issues) {
      return List.copyOf((List<OperationOutcome.OperationOutcomeIssueComponent>) issues);
    }
    return List.of();
  }
}
