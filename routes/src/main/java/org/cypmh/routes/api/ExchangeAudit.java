package org.cypmh.routes.api;

import java.util.List;

/**
 * The audit trail as routing sees it: routing reports plain facts (what it decided, each exchange
 * with a partner, each dead letter) and the gateway's audit feature turns them into its
 * tamper-evident records. A route cannot deliver without leaving a record. Each fact is recorded in
 * the caller's transaction: stored exactly when the exchange it describes is, and rolled back with
 * it.
 */
public interface ExchangeAudit {

  /**
   * What routing decided for one outbox event: where it goes (each destination with the route that
   * chose it and the consent outcome), or that it waits for a person.
   *
   * @param event the outbox event type's code, e.g. {@code referral-accepted}
   */
  void routingDecided(
      String event, String focus, String task, String patient, List<? extends DeliveryPlan> plans);

  /** One HTTP exchange with a partner, whatever its outcome: what left, to whom, the answer. */
  void deliveryAttempted(
      DeliveryFacts delivery, AttemptOutcome outcome, String summary, String address);

  /** The gateway gave up on a delivery: an operator must look, then replay. */
  void deadLettered(DeliveryFacts delivery, String reason);

  /** How one attempt ended. */
  enum AttemptOutcome {
    /** The partner accepted it. */
    ACCEPTED,
    /** No answer, or one worth trying again (5xx, 429, timeout). */
    FAILED_WILL_RETRY,
    /** The partner refused it (4xx): retrying would not help. */
    REFUSED
  }

  /**
   * A delivery, as its audit records name it.
   *
   * @param id the delivery's id
   * @param serviceId the directory service it goes to
   * @param service that service's name
   * @param patient the young person, or null
   * @param focus the resource delivered (a version)
   * @param task the referral's tracking Task, or null
   * @param consentRule the consent rule that let it go
   * @param leftOut how many items consent left out
   * @param attempts attempts so far
   */
  record DeliveryFacts(
      long id,
      String serviceId,
      String service,
      String patient,
      String focus,
      String task,
      String consentRule,
      int leftOut,
      int attempts) {}
}
