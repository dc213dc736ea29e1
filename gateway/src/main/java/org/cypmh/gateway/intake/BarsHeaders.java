package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * BaRS transport headers on {@code $process-message}: {@code X-Request-Id} and {@code
 * X-Correlation-Id} are required, and both are echoed on the response (errors included), so the
 * sender's BaRS client can match our answer to its request.
 */
@Component
class BarsHeaders implements FhirServerInterceptor {

  static final String REQUEST_ID = "X-Request-Id";
  static final String CORRELATION_ID = "X-Correlation-Id";

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  void requireAndEcho(ServletRequestDetails request) {
    if (!"$process-message".equals(request.getOperation())) {
      return;
    }
    for (String header : new String[] {REQUEST_ID, CORRELATION_ID}) {
      String value = request.getHeader(header);
      if (value == null || value.isBlank()) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "The BaRS header " + header + " is required", null);
      }
      if (value.length() > 100) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "The BaRS header " + header + " must be at most 100 characters", null);
      }
      request.getServletResponse().setHeader(header, value);
    }
  }
}
