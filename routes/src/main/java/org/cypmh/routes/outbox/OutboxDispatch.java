package org.cypmh.routes.outbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.routing.ReferralRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands each claimed outbox event to the handler of its type, in one transaction per batch of
 * events (or per event, once a batch has failed): what the handler stores and the event's
 * completion commit together, or the event is tried again.
 */
@Component
class OutboxDispatch {

  private static final Logger log = LoggerFactory.getLogger(OutboxDispatch.class);

  private final OutboxClaims claims;
  private final TransactionTemplate transaction;
  private final Map<OutboxEventType, OutboxHandler> handlers = new EnumMap<>(OutboxEventType.class);

  OutboxDispatch(
      OutboxClaims claims,
      PlatformTransactionManager transactionManager,
      List<OutboxHandler> handlers) {
    this.claims = claims;
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    for (OutboxHandler handler : handlers) {
      OutboxHandler other = this.handlers.put(handler.handles(), handler);
      if (other != null) {
        throw new IllegalStateException(
            "Two outbox handlers for "
                + handler.handles()
                + ": "
                + other.getClass().getName()
                + " and "
                + handler.getClass().getName());
      }
    }
    for (OutboxEventType type : OutboxEventType.values()) {
      if (!this.handlers.containsKey(type)) {
        throw new IllegalStateException("No outbox handler for " + type);
      }
    }
  }

  /** Claims the events due now, for this node. */
  List<Long> claimDue() {
    return claims.claim();
  }

  /**
   * Handles claimed events together, in one transaction; returns the ids of new deliveries to send
   * now. A commit costs the database a write of every page it changed (H2) or a log flush
   * (PostgreSQL) whether it holds one event or ten, and under load routing was one commit per
   * referral. If any event fails, the whole batch rolls back and each event is handled on its own:
   * the others are not held back, and the failure is recorded against the event that caused it.
   */
  List<Long> route(List<Long> eventIds) {
    if (eventIds.size() > 1) {
      try {
        return transaction.execute(
            tx -> eventIds.stream().flatMap(id -> dispatch(id).stream()).toList());
      } catch (RuntimeException e) {
        log.debug("Outbox batch of {} rolled back; routing each on its own", eventIds.size());
      }
    }
    List<Long> toSend = new ArrayList<>();
    eventIds.forEach(id -> toSend.addAll(route(id)));
    return toSend;
  }

  /** Handles one claimed event; returns the ids of new deliveries to send now. */
  List<Long> route(Long eventId) {
    try {
      return transaction.execute(tx -> dispatch(eventId));
    } catch (RuntimeException e) {
      String reason =
          e instanceof ReferralRouter.RoutingFailed ? e.getMessage() : e.getClass().getSimpleName();
      log.warn("Outbox event {} not routed, will retry: {}", eventId, reason);
      claims.failed(eventId, reason);
      return List.of();
    }
  }

  private List<Long> dispatch(long eventId) {
    Optional<OutboxEvent> pending = claims.lockPending(eventId);
    if (pending.isEmpty()) {
      return List.of();
    }
    Claimed event = new Claimed(pending.get());
    List<Long> toSend = handlers.get(event.type()).handle(event);
    event.done();
    return toSend;
  }

  /** The claimed event as its handler sees it; its group, once asked for, is done with it. */
  private final class Claimed implements ClaimedEvent {

    private final OutboxEvent event;
    private final List<OutboxEvent> group = new ArrayList<>();

    Claimed(OutboxEvent event) {
      this.event = event;
      group.add(event);
    }

    @Override
    public long id() {
      return event.id();
    }

    @Override
    public OutboxEventType type() {
      return event.type();
    }

    @Override
    public String focus() {
      return event.focus();
    }

    @Override
    public String task() {
      return event.task();
    }

    @Override
    public Instant createdAt() {
      return event.createdAt();
    }

    @Override
    public String targetService() {
      return event.targetService();
    }

    @Override
    public List<String> groupFocuses() {
      if (group.size() == 1 && event.groupKey() != null) {
        claims.lockGroup(event).stream().filter(other -> other != event).forEach(group::add);
      }
      return group.stream().map(OutboxEvent::focus).toList();
    }

    void done() {
      group.forEach(OutboxEvent::done);
    }
  }
}
