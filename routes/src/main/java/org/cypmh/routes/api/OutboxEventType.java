package org.cypmh.routes.api;

/** What happened, that the routing engine must act on: the type of an outbox event. */
public enum OutboxEventType {
  REFERRAL_ACCEPTED,
  REFERRAL_UPDATED,
  REFERRAL_CANCELLED,
  /** A Consent of this young person (the focus, e.g. {@code Patient/123}) changed. */
  CONSENT_CHANGED,
  /**
   * A brief intervention (the focus, a Procedure version) was recorded or changed: shared with the
   * young person's CAMHS service and GP in a summary with the other events of its group.
   */
  INTERVENTION_RECORDED,
  /**
   * A transition care plan (the focus, a CarePlan version) agreed with the young person was stored
   * or changed: shared with the adult services it names and the GP.
   */
  TRANSITION_PLAN_AGREED,
  /**
   * A BaRS message the gateway passes on as it came (a booking request or response; the focus, the
   * stored message Bundle) to the directory service it names (the target service).
   */
  MESSAGE_RECEIVED;

  /** The type as routing decisions and audit records name it, e.g. {@code referral-accepted}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
