package org.cypmh.gateway.audit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.cypmh.routes.api.CachedReading;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit trail's metrics, gauges read from the database at most every {@link #READING_MAX_AGE}:
 * {@value #UNSEALED} (records awaiting a seal), {@value #UNSEALED_AGE} (seconds the oldest has
 * waited; a sealer that stopped shows here first) and {@value #LAST_SEAL_AGE} (seconds since the
 * last seal on any node; NaN before the first).
 */
@Component
class AuditMetrics {

  static final String UNSEALED = "gateway.audit.unsealed";
  static final String UNSEALED_AGE = "gateway.audit.unsealed.oldest.age";
  static final String LAST_SEAL_AGE = "gateway.audit.last.seal.age";

  static final Duration READING_MAX_AGE = Duration.ofSeconds(5);

  private final CachedReading<Reading> reading;

  @PersistenceContext private EntityManager entityManager;

  AuditMetrics(MeterRegistry meters, Clock clock, PlatformTransactionManager transactionManager) {
    TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
    readOnly.setReadOnly(true);
    this.reading =
        new CachedReading<>(() -> readOnly.execute(tx -> read()), READING_MAX_AGE, clock);
    Gauge.builder(UNSEALED, () -> reading.get().unsealed())
        .description("Audit records not yet in a signed seal")
        .register(meters);
    Gauge.builder(UNSEALED_AGE, () -> age(reading.get().oldestUnsealed(), clock, 0))
        .description("How long the oldest unsealed audit record has waited for a seal")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder(LAST_SEAL_AGE, () -> age(reading.get().lastSeal(), clock, Double.NaN))
        .description("Time since the last audit seal was made")
        .baseUnit("seconds")
        .register(meters);
  }

  private static double age(Instant since, Clock clock, double none) {
    return since == null
        ? none
        : Math.max(0, Duration.between(since, clock.instant()).toMillis() / 1000.0);
  }

  private Reading read() {
    Object[] unsealed =
        entityManager
            .createQuery(
                "select count(r), min(r.recorded) from AuditRecord r where r.sealNo is null",
                Object[].class)
            .getSingleResult();
    // Seal numbers grow with time: the primary key finds the last seal without a scan.
    Instant lastSeal =
        entityManager
            .createQuery("select s.sealedAt from AuditSeal s order by s.sealNo desc", Instant.class)
            .setMaxResults(1)
            .getResultStream()
            .findFirst()
            .orElse(null);
    return new Reading(((Number) unsealed[0]).longValue(), (Instant) unsealed[1], lastSeal);
  }

  private record Reading(long unsealed, Instant oldestUnsealed, Instant lastSeal) {}
}
