package org.cypmh.routes.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxMessage;
import org.springframework.stereotype.Component;

/** The outbox as a table ({@code GW_OUTBOX_EVENT}), written in the publisher's transaction. */
@Component
class JpaOutbox implements Outbox {

  @PersistenceContext private EntityManager entityManager;

  // No transaction of its own: the shared entity manager refuses to persist outside the caller's.
  @Override
  public void publish(OutboxMessage message) {
    entityManager.persist(new OutboxEvent(message));
  }
}
