package org.cypmh.routes.api;

import java.util.List;

/**
 * Acts on the outbox events of one type. Each type has exactly one handler (the engine refuses to
 * start otherwise); a feature that publishes an event type it shares (transition plans, brief
 * interventions) implements the handler for it, and the engine implements the rest.
 */
public interface OutboxHandler {

  /** The event type this handler acts on. */
  OutboxEventType handles();

  /**
   * Acts on one claimed event, inside the transaction that marks it done: everything it stores
   * commits with that, or nothing does and the event is tried again.
   *
   * @return the ids of deliveries to send once the transaction commits
   */
  List<Long> handle(ClaimedEvent event);
}
