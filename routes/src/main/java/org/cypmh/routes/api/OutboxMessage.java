package org.cypmh.routes.api;

import java.time.Instant;

/**
 * An event for the outbox, before it is written.
 *
 * @param type what happened
 * @param focus the resource it is about, e.g. {@code ServiceRequest/123/_history/1}
 * @param task the referral's tracking Task, e.g. {@code Task/124}, or null
 * @param createdAt when it happened
 * @param targetService the directory service the sender named (BaRS target), or null: the routes
 *     decide
 * @param groupKey events with the same key are handled together once due (e.g. one young person's
 *     brief interventions of one day), or null: alone
 * @param availableAt not handled before this time
 */
public record OutboxMessage(
    OutboxEventType type,
    String focus,
    String task,
    Instant createdAt,
    String targetService,
    String groupKey,
    Instant availableAt) {

  /** An event about this resource, due now. */
  public static OutboxMessage of(OutboxEventType type, String focus, Instant createdAt) {
    return new OutboxMessage(type, focus, null, createdAt, null, null, createdAt);
  }

  /** This event, about the referral tracked by this Task. */
  public OutboxMessage tracking(String taskId) {
    return new OutboxMessage(type, focus, taskId, createdAt, targetService, groupKey, availableAt);
  }

  /** This event, addressed by its sender to one directory service (null: the routes decide). */
  public OutboxMessage targetedAt(String serviceId) {
    return new OutboxMessage(type, focus, task, createdAt, serviceId, groupKey, availableAt);
  }

  /** This event, handled with the others of its group once the group is due. */
  public OutboxMessage groupedAs(String key, Instant dueAt) {
    return new OutboxMessage(type, focus, task, createdAt, targetService, key, dueAt);
  }
}
