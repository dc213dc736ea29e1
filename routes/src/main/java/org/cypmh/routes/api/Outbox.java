package org.cypmh.routes.api;

import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * The one way to hand the routing engine something to act on: the event is written in the caller's
 * database transaction, so it exists exactly when the resource it is about does, whatever crashes
 * afterwards. The engine claims it later, on any node, and gives it to the {@link OutboxHandler} of
 * its type.
 */
public interface Outbox {

  /** Writes the event in the caller's transaction (there must be one). */
  void publish(OutboxMessage message);

  /**
   * Writes the event about a referral just written in the caller's transaction, and hands over the
   * referral and its tracking Task as written ({@code message.focus()} is the referral's versioned
   * id, the Task's id carries its version), so that routing and delivering it on this node need not
   * read them back.
   */
  void publish(OutboxMessage message, ServiceRequest written, Task tracking);
}
