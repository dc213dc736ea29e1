package org.cypmh.gateway.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Removes records older than the retention period, whole seals at a time: the seal's records and
 * its manifest go, its signed header stays, so the chain still verifies from the first seal. The
 * purge itself is recorded in the trail.
 */
@Component
public class AuditRetention {

  private final AuditTrail trail;
  private final AuditProperties properties;
  private final TransactionTemplate transaction;
  private final Clock clock;

  @PersistenceContext private EntityManager entityManager;

  AuditRetention(
      AuditTrail trail,
      AuditProperties properties,
      PlatformTransactionManager transactionManager,
      Clock clock) {
    this.trail = trail;
    this.transaction = new TransactionTemplate(transactionManager);
    this.properties = properties;
    this.clock = clock;
  }

  /** Purges the seals older than the retention period; returns how many records went. */
  public int purgeExpired() {
    return purgeSealedBefore(
        clock.instant().atOffset(ZoneOffset.UTC).minus(properties.retention()).toInstant());
  }

  /**
   * Purges every seal whose newest record is older than {@code cutoff}, a hundred seals per
   * transaction; returns how many records went.
   */
  public int purgeSealedBefore(Instant cutoff) {
    int records = 0;
    for (Purge purge; (purge = transaction.execute(tx -> purgeBatch(cutoff))).seals() > 0; ) {
      records += purge.records();
    }
    return records;
  }

  private record Purge(int seals, int records) {}

  private Purge purgeBatch(Instant cutoff) {
    Instant now = clock.instant();
    List<AuditSeal> expired =
        entityManager
            .createQuery(
                "from AuditSeal s where s.purgedAt is null and s.lastRecorded < :cutoff"
                    + " order by s.sealNo",
                AuditSeal.class)
            .setParameter("cutoff", cutoff)
            .setMaxResults(100)
            .getResultList();
    int purged = 0;
    for (AuditSeal seal : expired) {
      purged +=
          entityManager
              .createQuery("delete from AuditRecord r where r.sealNo = :seal")
              .setParameter("seal", seal.sealNo())
              .executeUpdate();
      seal.purged(now);
    }
    if (!expired.isEmpty()) {
      trail.record(
          AuditEventBuilder.gateway("audit-retention", "purge", AuditEventAction.D, now)
              .outcome(
                  AuditEventOutcome._0,
                  purged
                      + " record(s) of seals "
                      + expired.get(0).sealNo()
                      + " to "
                      + expired.get(expired.size() - 1).sealNo()
                      + " recorded before "
                      + cutoff
                      + " removed (retention "
                      + properties.retention()
                      + ")")
              .build());
    }
    return new Purge(expired.size(), purged);
  }
}
