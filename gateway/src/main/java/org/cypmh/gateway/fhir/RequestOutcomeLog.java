package org.cypmh.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One structured log line per FHIR request: method, operation, resource type, status, duration and
 * request id. Deliberately never the URL query, ids or bodies: those can carry NHS numbers.
 */
@Component
class RequestOutcomeLog implements FhirServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger("org.cypmh.gateway.requests");

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
  void completed(ServletRequestDetails request) {
    write(request, request.getServletResponse().getStatus());
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  boolean failed(RequestDetails request, BaseServerResponseException exception) {
    write(request, exception.getStatusCode());
    return true;
  }

  private static void write(RequestDetails request, int status) {
    long millis = request.getRequestStopwatch().getMillis();
    String operation =
        request.getRestOperationType() == null
            ? "unknown"
            : request.getRestOperationType().getCode();
    String resourceType = request.getResourceName() == null ? "-" : request.getResourceName();
    log.atInfo()
        .addKeyValue("requestId", request.getRequestId())
        .addKeyValue("method", request.getRequestType())
        .addKeyValue("operation", operation)
        .addKeyValue("resourceType", resourceType)
        .addKeyValue("status", status)
        .addKeyValue("durationMs", millis)
        .log(
            "fhir request {} {} {} -> {} in {} ms",
            request.getRequestType(),
            operation,
            resourceType,
            status,
            millis);
  }
}
