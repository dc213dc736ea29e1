package org.cypmh.routes.api;

import org.hl7.fhir.r4.model.ServiceRequest;

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
   * referral as written ({@code message.focus()} is its versioned id), so that routing it on this
   * node need not read it back.
   */
  void publish(OutboxMessage message, ServiceRequest written);
}
