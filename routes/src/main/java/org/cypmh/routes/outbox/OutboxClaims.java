package org.cypmh.routes.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cypmh.routes.RoutesProperties;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Shares outbox events between gateway nodes: a node claims a batch with {@code FOR UPDATE SKIP
 * LOCKED} (PostgreSQL and H2 both support it), so two nodes never wait on or take the same rows,
 * and leases what it claimed, so a node that dies releases its events by not finishing them.
 */
@Component
class OutboxClaims {

  private final TransactionTemplate transaction;
  private final Clock clock;
  private final RoutesProperties.Outbox settings;

  @PersistenceContext private EntityManager entityManager;

  OutboxClaims(
      PlatformTransactionManager transactionManager, Clock clock, RoutesProperties properties) {
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
    this.settings = properties.outbox();
  }

  List<Long> claim() {
    return transaction.execute(
        tx -> {
          Instant now = clock.instant();
          @SuppressWarnings("unchecked")
          List<Number> ids =
              entityManager
                  .createNativeQuery(
                      "select ID from GW_OUTBOX_EVENT where STATUS = 'PENDING'"
                          + " and (AVAILABLE_AT is null or AVAILABLE_AT <= :now)"
                          + " order by ID fetch first "
                          + settings.batchSize()
                          + " rows only for update skip locked")
                  .setParameter("now", now)
                  .getResultList();
          if (ids.isEmpty()) {
            return List.of();
          }
          List<Long> claimed = ids.stream().map(Number::longValue).toList();
          entityManager
              .createQuery("update OutboxEvent e set e.availableAt = :lease where e.id in :ids")
              .setParameter("lease", now.plus(settings.lease()))
              .setParameter("ids", claimed)
              .executeUpdate();
          return claimed;
        });
  }

  /**
   * The event, locked for the caller's transaction, if it still needs routing: a node whose lease
   * ran out may find another node already finished it.
   */
  Optional<OutboxEvent> lockPending(long eventId) {
    OutboxEvent event =
        entityManager.find(OutboxEvent.class, eventId, LockModeType.PESSIMISTIC_WRITE);
    return Optional.ofNullable(event).filter(e -> e.status() == OutboxEvent.Status.PENDING);
  }

  void failed(long eventId, String error) {
    transaction.executeWithoutResult(
        tx -> {
          OutboxEvent event = entityManager.find(OutboxEvent.class, eventId);
          if (event != null) {
            event.failed(error, clock.instant().plus(settings.retryDelay()));
          }
        });
  }
}
