package org.cypmh.routes.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cypmh.routes.LeasedClaim;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.api.RoutingConsole;
import org.hibernate.LockOptions;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Shares outbox events between gateway nodes ({@link LeasedClaim}). */
@Component
public class OutboxClaims {

  // Events written before leases existed have no AVAILABLE_AT: they are due.
  private static final LeasedClaim DUE_EVENTS =
      new LeasedClaim(
          "GW_OUTBOX_EVENT",
          "STATUS = 'PENDING' and (AVAILABLE_AT is null or AVAILABLE_AT <= :now)",
          "ID",
          "OutboxEvent",
          "availableAt");

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
    Instant now = clock.instant();
    return transaction.execute(
        tx ->
            DUE_EVENTS.claim(entityManager, settings.batchSize(), now, now.plus(settings.lease())));
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

  /**
   * The other pending events of this event's group, locked for the caller's transaction; events
   * another node is routing right now are skipped (that node sends them).
   */
  List<OutboxEvent> lockGroup(OutboxEvent event) {
    if (event.groupKey() == null) {
      return List.of(event);
    }
    return entityManager
        .createQuery(
            "from OutboxEvent e where e.groupKey = :key and e.status = :pending order by e.id",
            OutboxEvent.class)
        .setParameter("key", event.groupKey())
        .setParameter("pending", OutboxEvent.Status.PENDING)
        .setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint("jakarta.persistence.lock.timeout", LockOptions.SKIP_LOCKED)
        .getResultList();
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

  /**
   * Events the routing engine has tried and failed to route, still pending, oldest first: stuck
   * work for the operator console.
   */
  public List<RoutingConsole.StuckEvent> failingToRoute(int max) {
    return entityManager
        .createQuery(
            "from OutboxEvent e where e.status = :pending and e.attempts > 0 order by e.id",
            OutboxEvent.class)
        .setParameter("pending", OutboxEvent.Status.PENDING)
        .setMaxResults(max)
        .getResultList()
        .stream()
        .map(
            e ->
                new RoutingConsole.StuckEvent(
                    e.id(), e.type().name(), e.focus(), e.createdAt(), e.attempts(), e.lastError()))
        .toList();
  }
}
