package org.cypmh.routes.outbox;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxMessage;
import org.cypmh.routes.delivery.WrittenTasks;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/** The outbox as a table ({@code GW_OUTBOX_EVENT}), written in the publisher's transaction. */
@Component
class JpaOutbox implements Outbox {

  @PersistenceContext private EntityManager entityManager;

  private final WrittenReferrals writtenReferrals;
  private final WrittenTasks writtenTasks;

  JpaOutbox(WrittenReferrals writtenReferrals, WrittenTasks writtenTasks) {
    this.writtenReferrals = writtenReferrals;
    this.writtenTasks = writtenTasks;
  }

  // No transaction of its own: the shared entity manager refuses to persist outside the caller's.
  @Override
  public void publish(OutboxMessage message) {
    entityManager.persist(new OutboxEvent(message));
  }

  @Override
  public void publish(OutboxMessage message, ServiceRequest written, Task tracking) {
    publish(message);
    writtenReferrals.written(message.focus(), written);
    writtenTasks.written(tracking);
  }
}
