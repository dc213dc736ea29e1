package org.cypmh.routes.api;

/**
 * The consent service as routing sees it. The deliver block asks it for every destination, and the
 * sender asks again before every attempt; a route cannot deliver without it.
 */
public interface ConsentCheck {

  /** Decides, without recording anything (also used by {@code $route-preview}). */
  ConsentDecision decide(RoutableReferral referral, DirectoryService destination);

  /**
   * Records a decision that was acted on (a delivery stored, released or withheld), in the caller's
   * transaction, so that the record exists exactly when the action does.
   *
   * @param context what the decision was for, e.g. {@code routing} or {@code reconsidered}
   */
  void record(
      RoutableReferral referral,
      DirectoryService destination,
      ConsentDecision decision,
      String context);

  /** Decides whether records the gateway shares (not a referral) may go to this destination. */
  ConsentDecision decide(SharedRecord record, DirectoryService destination);

  /** Records a decision on shared records that was acted on, in the caller's transaction. */
  void record(
      SharedRecord record, DirectoryService destination, ConsentDecision decision, String context);
}
