package org.cypmh.gateway.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.cypmh.gateway.fhir.Caller;

/**
 * The audit trail is for auditors: the gateway's operator (the admin role of partner security, or
 * no header in trusted-header mode); any partner organisation is refused.
 */
final class AuditorOnly {

  private AuditorOnly() {}

  static void require(RequestDetails request) {
    if (Caller.of(request).isPartner()) {
      throw new ForbiddenOperationException(
          "The audit trail is readable only with the auditor role");
    }
  }
}
