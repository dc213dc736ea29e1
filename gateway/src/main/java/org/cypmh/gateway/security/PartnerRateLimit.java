package org.cypmh.gateway.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Each authenticated partner's request budget (Bucket4j token bucket, refilled evenly over a
 * minute): over it, 429 with Retry-After (seconds) and an OperationOutcome. Per node: with several
 * nodes a partner's budget is per node.
 */
final class PartnerRateLimit extends OncePerRequestFilter {

  private final int defaultPerMinute;
  private final RefusalResponses refusals;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  PartnerRateLimit(int defaultPerMinute, RefusalResponses refusals) {
    this.defaultPerMinute = defaultPerMinute;
    this.refusals = refusals;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!(SecurityContextHolder.getContext().getAuthentication()
        instanceof PartnerAuthentication authenticated)) {
      chain.doFilter(request, response);
      return;
    }
    PartnerRegistration partner = authenticated.partner();
    int perMinute =
        partner.requestsPerMinute() != null ? partner.requestsPerMinute() : defaultPerMinute;
    // Keyed by the limit too, so a registration changed through the admin API gets its new budget.
    Bucket bucket =
        buckets.computeIfAbsent(partner.clientId() + "@" + perMinute, key -> newBucket(perMinute));
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      chain.doFilter(request, response);
      return;
    }
    long waitSeconds =
        Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    response.setHeader("Retry-After", Long.toString(waitSeconds));
    refusals.write(
        response,
        429,
        IssueType.THROTTLED,
        "Rate limit of "
            + perMinute
            + " requests per minute reached; retry after "
            + waitSeconds
            + " s");
  }

  private static Bucket newBucket(int perMinute) {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(perMinute)
                .refillGreedy(perMinute, Duration.ofMinutes(1))
                .build())
        .build();
  }
}
