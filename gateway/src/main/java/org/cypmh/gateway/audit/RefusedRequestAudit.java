package org.cypmh.gateway.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The outermost filter on {@code /fhir/*}: a request refused before the FHIR server saw it (too
 * large, unauthenticated, rate limited) still leaves an audit record, with the caller's network
 * address. Requests the FHIR server handled were recorded there.
 */
class RefusedRequestAudit extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(RefusedRequestAudit.class);

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
        record(request, response);
      }
    }
  }

  private void record(HttpServletRequest request, HttpServletResponse response) {
    try {
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
              .requestor(new Reference().setDisplay("unidentified client"), request.getRemoteAddr())
              .build());
    } catch (RuntimeException unrecorded) {
      // The answer has gone out; a trail that cannot be written (database unreachable) must not
      // turn it into a servlet error.
      log.warn(
          "a request refused before the FHIR server could not be audited ({})",
          unrecorded.getClass().getSimpleName());
    }
  }
}
