package org.cypmh.gateway.measures;

/**
 * A step in a referral's life that the national measures count from or to. Which stored change sets
 * which milestone is decided in one place, {@link MilestoneRules}, and listed in this package's
 * README.
 */
public enum Milestone {
  /** The gateway stored the referral (its tracking Task was created). */
  RECEIVED,
  /** Routing decided: the Task left "awaiting routing" (delivered, held for triage or consent). */
  ROUTED,
  /** Consent kept a delivery back ("awaiting consent"); it ends when the referral is delivered. */
  HELD_FOR_CONSENT,
  /** A service acknowledged the referral (the Task gained a {@code delivered-to} output). */
  DELIVERED,
  /** The service took the referral on (Task status {@code accepted} or {@code in-progress}). */
  ACCEPTED,
  /** An attended care contact: an Encounter or Procedure the service reports, or a Task code. */
  CONTACT,
  /** Treatment started: a care activity (Procedure) or the Task code {@code treatment-started}. */
  TREATMENT_STARTED,
  /**
   * The service discharged the young person (Task {@code completed} or code {@code discharged}).
   */
  DISCHARGED,
  /** The referral ended without discharge: rejected, cancelled or failed. */
  CLOSED
}
