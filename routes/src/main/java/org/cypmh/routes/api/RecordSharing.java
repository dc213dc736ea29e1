package org.cypmh.routes.api;

import java.util.List;

/**
 * How a feature has records it decided to share (a transition plan, a summary of brief
 * interventions) delivered: one delivery per destination, each with its consent decision recorded
 * and audited, in the caller's transaction.
 */
public interface RecordSharing {

  /**
   * Stores one delivery per planned share of this event; withheld ones wait for consent.
   *
   * @return the ids of deliveries to send once the transaction commits
   */
  List<Long> share(ClaimedEvent event, List<PlannedShare> shares);
}
