package org.cypmh.gateway.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.cypmh.routes.api.AuditEventBuilder;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter on {@code /fhir/*}: a request refused before the FHIR server saw it (too
 * large, unauthenticated, rate limited) still leaves an audit record, with the caller's network
 * address. Requests the FHIR server handled were recorded there.
 */
class RefusedRequestAudit extends OncePerRequestFilter {

  private final AuditTrail trail;
  private final Clock clock;

  RefusedRequestAudit(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } finally {
      if (!AuditedRequests.isAudited(request) && response.getStatus() >= 400) {
        trail.record(
            AuditEventBuilder.rest(
                    AuditedRequests.interaction(request.getMethod()),
                    AuditedRequests.action(request.getMethod(), false),
                    clock.instant())
                .outcome(
                    response.getStatus() >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4,
                    "HTTP "
                        + response.getStatus()
                        + ": "
                        + request.getMethod()
                        + " "
                        + request.getRequestURI()
                        + " refused before the FHIR server")
                .requestor(
                    new Reference().setDisplay("unidentified client"), request.getRemoteAddr())
                .build());
      }
    }
  }
}
