package org.cypmh.routes.delivery;

import io.github.resilience4j.micrometer.tagged.CircuitBreakerMetricNames;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cypmh.routes.api.AfterCommit;
import org.cypmh.routes.api.CachedReading;
import org.cypmh.routes.delivery.Delivery.Kind;
import org.cypmh.routes.delivery.Delivery.Status;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery metrics, all defined here. Tags are the destination ({@code partner}: the directory
 * service id; {@code subscriber} for Task notifications, whose ids are resources), the {@code kind}
 * of delivery and the {@code outcome}: never a patient, a referral or a delivery id.
 *
 * <ul>
 *   <li>{@value #ATTEMPTS} (counter): each call to a partner, {@code outcome} {@code accepted},
 *       {@code failed} (retried) or {@code refused} (not retried).
 *   <li>{@value #DELIVERIES} (counter): deliveries finished, {@code outcome} {@code delivered} or
 *       {@code dead-lettered}.
 *   <li>{@value #LAST_SUCCESS} (gauge, seconds since the epoch): when the partner last accepted.
 *   <li>{@value #BACKLOG}, {@value #BACKLOG_AGE} (seconds), {@value #DEAD_LETTERS}, {@value
 *       #CONSENT_HOLDS} (gauges over the ledger, read at most every {@link #READING_MAX_AGE}).
 *   <li>{@code gateway.partner.breaker.*}: resilience4j's breaker metrics, tag {@code name} the
 *       partner's Endpoint (e.g. {@code Endpoint/camhs-crisis}).
 * </ul>
 *
 * Counts are made when the transaction recording the fact commits ({@link AfterCommit}).
 */
@Component
public class DeliveryMetrics {

  static final String ATTEMPTS = "gateway.delivery.attempts";
  static final String DELIVERIES = "gateway.deliveries";
  static final String LAST_SUCCESS = "gateway.delivery.last.success";
  static final String BACKLOG = "gateway.delivery.backlog";
  static final String BACKLOG_AGE = "gateway.delivery.backlog.oldest.age";
  static final String DEAD_LETTERS = "gateway.delivery.dead.letters";
  static final String CONSENT_HOLDS = "gateway.consent.holds";
  static final String BREAKER = "gateway.partner.breaker";

  /** Scrapes within this time share one reading of the ledger. */
  static final Duration READING_MAX_AGE = Duration.ofSeconds(5);

  private static final String SUBSCRIBER = "subscriber";

  private final MeterRegistry meters;
  private final Clock clock;
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();
  private final CachedReading<DeliveryLedgerReading> ledger;

  @PersistenceContext private EntityManager entityManager;

  DeliveryMetrics(
      MeterRegistry meters,
      Clock clock,
      PlatformTransactionManager transactionManager,
      PartnerClient client) {
    this.meters = meters;
    this.clock = clock;
    TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
    readOnly.setReadOnly(true);
    this.ledger =
        new CachedReading<>(() -> readOnly.execute(tx -> readLedger()), READING_MAX_AGE, clock);
    Gauge.builder(BACKLOG, () -> ledger.get().count(Status.PENDING))
        .description("Deliveries waiting to be sent or retried")
        .register(meters);
    Gauge.builder(BACKLOG_AGE, () -> ledger.get().oldestPendingAge(clock.instant()))
        .description("How long the oldest pending delivery has waited since it was stored")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder(DEAD_LETTERS, () -> ledger.get().count(Status.DEAD))
        .description("Dead letters: deliveries an operator must look at and replay")
        .register(meters);
    Gauge.builder(CONSENT_HOLDS, () -> ledger.get().count(Status.WITHHELD))
        .description("Deliveries withheld until the young person's consent permits them")
        .register(meters);
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakerNames(), client.breakers())
        .bindTo(meters);
  }

  /** A call to a partner was answered (or not): accepted, failed and retried, or refused. */
  void attempted(Delivery delivery, PartnerResponse response) {
    String outcome = response.accepted() ? "accepted" : response.retryable() ? "failed" : "refused";
    String partner = partner(delivery);
    String kind = kind(delivery);
    AfterCommit.run(
        () ->
            meters
                .counter(ATTEMPTS, "partner", partner, "kind", kind, "outcome", outcome)
                .increment());
  }

  void delivered(Delivery delivery) {
    String partner = partner(delivery);
    finished(delivery, "delivered");
    AfterCommit.run(
        () ->
            lastSuccess
                .computeIfAbsent(partner, this::lastSuccessGauge)
                .set(clock.millis() / 1000));
  }

  void deadLettered(Delivery delivery) {
    finished(delivery, "dead-lettered");
  }

  private void finished(Delivery delivery, String outcome) {
    String partner = partner(delivery);
    String kind = kind(delivery);
    AfterCommit.run(
        () ->
            meters
                .counter(DELIVERIES, "partner", partner, "kind", kind, "outcome", outcome)
                .increment());
  }

  private AtomicLong lastSuccessGauge(String partner) {
    AtomicLong at = new AtomicLong();
    Gauge.builder(LAST_SUCCESS, at, AtomicLong::get)
        .description("When the partner last accepted a delivery")
        .baseUnit("seconds")
        .tag("partner", partner)
        .register(meters);
    return at;
  }

  /** The states that wait for something; delivered and cancelled ones, the bulk, are not read. */
  private DeliveryLedgerReading readLedger() {
    return DeliveryLedgerReading.of(
        entityManager
            .createQuery(
                "select d.status, count(d), min(d.createdAt) from Delivery d"
                    + " where d.status in :waiting group by d.status",
                Object[].class)
            .setParameter("waiting", List.of(Status.PENDING, Status.DEAD, Status.WITHHELD))
            .getResultList());
  }

  private static String partner(Delivery delivery) {
    return delivery.kind() == Kind.NOTIFICATION ? SUBSCRIBER : delivery.serviceId();
  }

  private static String kind(Delivery delivery) {
    Kind kind = delivery.kind() == null ? Kind.REFERRAL : delivery.kind();
    return kind.name().toLowerCase();
  }

  private static CircuitBreakerMetricNames breakerNames() {
    return CircuitBreakerMetricNames.custom()
        .stateMetricName(BREAKER + ".state")
        .callsMetricName(BREAKER + ".calls")
        .notPermittedCallsMetricName(BREAKER + ".not.permitted.calls")
        .bufferedCallsMetricName(BREAKER + ".buffered.calls")
        .slowCallsMetricName(BREAKER + ".slow.calls")
        .failureRateMetricName(BREAKER + ".failure.rate")
        .slowCallRateMetricName(BREAKER + ".slow.call.rate")
        .build();
  }
}
