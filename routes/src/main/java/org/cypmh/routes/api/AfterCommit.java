package org.cypmh.routes.api;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts a fact once its transaction commits: a transaction that rolls back, or is retried after a
 * conflict, must not count the same referral or delivery twice.
 */
public final class AfterCommit {

  private AfterCommit() {}

  /** Runs the action when the current transaction commits; at once if there is none. */
  public static void run(Runnable action) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      action.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            action.run();
          }
        });
  }
}
