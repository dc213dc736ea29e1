package org.cypmh.routes.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.cypmh.routes.api.AfterCommit;
import org.cypmh.routes.api.CachedReading;
import org.cypmh.routes.routing.PlannedDelivery;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The routing metrics, all defined here.
 *
 * <ul>
 *   <li>{@value #ROUTED} (counter): one per destination the routes chose for a new referral, tags
 *       {@code pathway} (the route id), {@code partner} (the directory service id) and {@code
 *       outcome} {@code routed} or {@code held-for-consent}; a referral no route sent anywhere
 *       counts once with {@code outcome} {@code unrouted} (pathway and partner {@code none}).
 *   <li>{@value #BACKLOG}, {@value #BACKLOG_AGE} (seconds), {@value #FAILING} (gauges): events
 *       waiting to be routed, how long the oldest has waited, and those whose routing failed at
 *       least once (a broken route, a missing directory entry). Read at most every {@link
 *       #READING_MAX_AGE}.
 * </ul>
 */
@Component
class OutboxMetrics {

  static final String ROUTED = "gateway.referrals.routed";
  static final String BACKLOG = "gateway.outbox.backlog";
  static final String BACKLOG_AGE = "gateway.outbox.backlog.oldest.age";
  static final String FAILING = "gateway.outbox.failing";

  static final Duration READING_MAX_AGE = Duration.ofSeconds(5);
  private static final String NONE = "none";

  private final MeterRegistry meters;
  private final CachedReading<Backlog> backlog;

  @PersistenceContext private EntityManager entityManager;

  OutboxMetrics(MeterRegistry meters, Clock clock, PlatformTransactionManager transactionManager) {
    this.meters = meters;
    TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
    readOnly.setReadOnly(true);
    this.backlog =
        new CachedReading<>(() -> readOnly.execute(tx -> readBacklog()), READING_MAX_AGE, clock);
    Gauge.builder(BACKLOG, () -> backlog.get().pending())
        .description("Outbox events (referrals, updates, consent changes) waiting to be routed")
        .register(meters);
    Gauge.builder(BACKLOG_AGE, () -> backlog.get().oldestAge(clock.instant()))
        .description("How long the oldest outbox event has waited to be routed")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder(FAILING, () -> backlog.get().failing())
        .description("Outbox events whose routing failed at least once and waits to be retried")
        .register(meters);
  }

  /** What the routes decided for a new referral, counted once the decision commits. */
  void routed(List<PlannedDelivery> plans) {
    if (plans.isEmpty()) {
      AfterCommit.run(() -> count(NONE, NONE, "unrouted"));
      return;
    }
    for (PlannedDelivery plan : plans) {
      String pathway = plan.routeId();
      String partner = plan.destination().serviceId();
      String outcome =
          plan.consent() == null || plan.consent().permitted() ? "routed" : "held-for-consent";
      AfterCommit.run(() -> count(pathway, partner, outcome));
    }
  }

  private void count(String pathway, String partner, String outcome) {
    meters.counter(ROUTED, "pathway", pathway, "partner", partner, "outcome", outcome).increment();
  }

  private Backlog readBacklog() {
    Object[] row =
        entityManager
            .createQuery(
                "select count(e), min(e.createdAt),"
                    + " sum(case when e.attempts > 0 then 1 else 0 end)"
                    + " from OutboxEvent e where e.status = :pending",
                Object[].class)
            .setParameter("pending", OutboxEvent.Status.PENDING)
            .getSingleResult();
    return new Backlog(
        ((Number) row[0]).longValue(),
        (Instant) row[1],
        row[2] == null ? 0 : ((Number) row[2]).longValue());
  }

  /** Pending events, the oldest one's creation time (null if none), and how many have failed. */
  record Backlog(long pending, Instant oldest, long failing) {

    double oldestAge(Instant now) {
      return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
    }
  }
}
