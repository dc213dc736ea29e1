package org.cypmh.routes.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits the outcomes of delivery attempts ending at the same time together. An outcome is a few
 * rows (the delivery, the attempt, the Task's feedback, the audit record); but every commit costs
 * the database a write of every page it changed (H2) or a log flush (PostgreSQL), however little it
 * holds, and with one commit per outcome these commits took 4 % of the gateway's CPU under load.
 *
 * <p>A thread hands its change in and waits for it to commit. Whichever thread has the commit turn
 * takes every change waiting and runs them in one transaction; the others find theirs done when
 * their turn comes. If that transaction fails, each change runs again in a transaction of its own,
 * so a failure is only ever its own change's. A change that meets no other commits alone at once. A
 * change must not depend on another change of the same group, only on the database.
 */
final class GroupCommit {

  /** At most this many changes in one transaction, so none waits behind a long group. */
  static final int MOST_IN_ONE = 32;

  /**
   * Tries of a change on its own when it lost a race for a resource version: deliveries of one
   * referral to several services, a partner's answer and the referrer's own edits all update the
   * same Task, and the loser of a concurrent update only learns it at commit.
   */
  private static final int TRIES_ALONE = 5;

  private final TransactionTemplate transaction;
  private final Predicate<Throwable> lostARace;
  private final ReentrantLock turn = new ReentrantLock();
  private final Queue<Change<?>> waiting = new ConcurrentLinkedQueue<>();

  /**
   * @param transaction a new transaction per call (the caller's, if any, is not joined)
   * @param lostARace which failures of a change alone are tried again, from the start
   */
  GroupCommit(TransactionTemplate transaction, Predicate<Throwable> lostARace) {
    this.transaction = transaction;
    this.lostARace = lostARace;
  }

  /**
   * Runs {@code change} inside a transaction, shared with the changes other threads hand in
   * meanwhile, and returns its result once that transaction has committed; throws what the change
   * threw when it ran on its own.
   */
  <T> T commit(Supplier<T> change) {
    Change<T> mine = new Change<>(change);
    waiting.add(mine);
    turn.lock();
    try {
      // Finished by whoever had the turn before, under this lock, or by this thread now.
      while (!mine.finished) {
        commitWaiting();
      }
    } finally {
      turn.unlock();
    }
    return mine.outcome();
  }

  /** Changes handed in and not yet taken into a transaction. */
  int waitingChanges() {
    return waiting.size();
  }

  private void commitWaiting() {
    List<Change<?>> group = new ArrayList<>();
    for (Change<?> next; group.size() < MOST_IN_ONE && (next = waiting.poll()) != null; ) {
      group.add(next);
    }
    try {
      if (group.size() > 1 && together(group)) {
        return;
      }
      group.forEach(this::alone);
    } finally {
      // An Error (out of memory) must not leave a waiting thread looking for a change polled off.
      group.stream()
          .filter(c -> !c.finished)
          .forEach(c -> c.failed(new IllegalStateException("not committed")));
    }
  }

  private boolean together(List<Change<?>> group) {
    try {
      transaction.executeWithoutResult(tx -> group.forEach(Change::run));
    } catch (RuntimeException groupFailed) {
      // Rolled back: each change again, on its own.
      return false;
    }
    group.forEach(Change::committed);
    return true;
  }

  private void alone(Change<?> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        transaction.executeWithoutResult(tx -> change.run());
        change.committed();
        return;
      } catch (RuntimeException e) {
        if (attempt == TRIES_ALONE || !lostARace.test(e)) {
          change.failed(e);
          return;
        }
      }
    }
  }

  /** One thread's change; its fields are written and read under the commit turn. */
  private static final class Change<T> {
    private final Supplier<T> body;
    private T ranTo;
    private T result;
    private RuntimeException failure;
    private boolean finished;

    Change(Supplier<T> body) {
      this.body = body;
    }

    void run() {
      ranTo = body.get();
    }

    void committed() {
      result = ranTo;
      finished = true;
    }

    void failed(RuntimeException e) {
      failure = e;
      finished = true;
    }

    T outcome() {
      if (failure != null) {
        throw failure;
      }
      return result;
    }
  }
}
