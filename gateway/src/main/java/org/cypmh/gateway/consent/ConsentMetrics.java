package org.cypmh.gateway.consent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import org.cypmh.routes.api.CachedReading;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consent's metric {@value #BREAK_GLASS_UNREVIEWED} (gauge): break-glass uses no reviewer has
 * signed off yet, read at most every {@link #READING_MAX_AGE}. Deliveries held for consent are
 * counted by the delivery ledger ({@code gateway.consent.holds}).
 */
@Component
class ConsentMetrics {

  static final String BREAK_GLASS_UNREVIEWED = "gateway.consent.break.glass.unreviewed";
  static final Duration READING_MAX_AGE = Duration.ofSeconds(5);

  @PersistenceContext private EntityManager entityManager;

  ConsentMetrics(MeterRegistry meters, Clock clock, PlatformTransactionManager transactionManager) {
    TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
    readOnly.setReadOnly(true);
    CachedReading<Long> unreviewed =
        new CachedReading<>(
            () -> readOnly.execute(tx -> countUnreviewed()), READING_MAX_AGE, clock);
    Gauge.builder(BREAK_GLASS_UNREVIEWED, unreviewed::get)
        .description("Break-glass uses awaiting a reviewer's sign-off")
        .register(meters);
  }

  private long countUnreviewed() {
    return entityManager
        .createQuery("select count(b) from BreakGlassUse b where b.reviewedAt is null", Long.class)
        .getSingleResult();
  }
}
