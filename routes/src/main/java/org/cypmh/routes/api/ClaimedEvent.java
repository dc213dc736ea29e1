package org.cypmh.routes.api;

import java.time.Instant;
import java.util.List;

/** An outbox event this node has claimed and is handling, as its handler sees it. */
public interface ClaimedEvent {

  long id();

  OutboxEventType type();

  /** The resource it is about, e.g. {@code ServiceRequest/123/_history/1}. */
  String focus();

  /** The referral's tracking Task, or null. */
  String task();

  Instant createdAt();

  /** The directory service the sender named, or null. */
  String targetService();

  /**
   * This event's focus and those of the other pending events of its group, oldest first; the others
   * are claimed with this one and done when it is.
   */
  List<String> groupFocuses();
}
