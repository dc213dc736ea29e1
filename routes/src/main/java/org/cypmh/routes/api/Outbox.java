package org.cypmh.routes.api;

/**
 * The one way to hand the routing engine something to act on: the event is written in the caller's
 * database transaction, so it exists exactly when the resource it is about does, whatever crashes
 * afterwards. The engine claims it later, on any node, and gives it to the {@link OutboxHandler} of
 * its type.
 */
public interface Outbox {

  /** Writes the event in the caller's transaction (there must be one). */
  void publish(OutboxMessage message);
}
