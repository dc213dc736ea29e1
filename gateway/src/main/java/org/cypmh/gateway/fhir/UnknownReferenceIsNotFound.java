package org.cypmh.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.springframework.stereotype.Component;

/**
 * A referral pointing at a Patient (or any resource) the gateway does not hold is answered 404, as
 * partners expect for "the thing you referred to is not here"; HAPI answers it 400 with its stable
 * message code HAPI-1094, whose OperationOutcome (naming the element) is kept.
 */
@Component
class UnknownReferenceIsNotFound implements FhirServerInterceptor {

  private static final String UNRESOLVED_REFERENCE = "HAPI-1094:";

  @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -1)
  BaseServerResponseException toNotFound(Throwable exception) {
    if (exception instanceof InvalidRequestException invalid
        && invalid.getMessage() != null
        && invalid.getMessage().startsWith(UNRESOLVED_REFERENCE)) {
      return new ResourceNotFoundException(invalid.getMessage(), invalid.getOperationOutcome());
    }
    return null;
  }
}
