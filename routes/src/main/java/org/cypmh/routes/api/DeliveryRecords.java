package org.cypmh.routes.api;

import java.util.List;

/** What the rest of the gateway may read and ask of the deliveries the routing engine keeps. */
public interface DeliveryRecords {

  /** This young person's referrals that partners accepted, oldest first. */
  List<DeliveredReferral> deliveredTo(String patient);

  /**
   * Every referral a partner accepted, oldest first, read in its own transaction: the young people
   * whose care some service has taken on.
   */
  List<DeliveredReferral> deliveredReferrals();

  /**
   * Holds every delivery of this young person not yet sent, in the caller's transaction, until the
   * consent change that is being written has been decided on.
   *
   * @return how many were held
   */
  int holdForConsentChange(String patient);

  /** Sends a subscription notification (a Task version) to a subscriber's endpoint. */
  void notifySubscriber(
      String subscription, String address, String credentials, String taskVersion, String payload);
}
