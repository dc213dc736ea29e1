package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.cypmh.routes.NotingTransactions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes handed in while another commit is under way share one transaction; a group that fails is
 * undone and each of its changes runs on its own, so only the failing change's caller sees the
 * failure. The transactions are a stand-in that notes how each ended.
 */
class GroupCommitTest {

  private final NotingTransactions transactions = new NotingTransactions();
  private final GroupCommit commits =
      new GroupCommit(
          new TransactionTemplate(transactions),
          e -> e instanceof PessimisticLockingFailureException);
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aChangeThatMeetsNoOtherCommitsAloneAndReturnsItsResult() {
    assertThat(commits.commit(() -> transactions.write("a"))).isEqualTo("a");

    assertThat(transactions.log).containsExactly("begin", "commit [a]");
  }

  @Test
  void changesHandedInDuringACommitShareTheNextTransaction() throws Exception {
    CountDownLatch release = holdTheTurn();
    CompletableFuture<String> b = handIn(() -> transactions.write("b"));
    CompletableFuture<String> c = handIn(() -> transactions.write("c"));
    waitUntilWaiting(2);

    release.countDown();

    assertThat(List.of(b.get(10, TimeUnit.SECONDS), c.get(10, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder("b", "c");
    assertThat(transactions.log).hasSize(4).startsWith("begin", "commit [a]", "begin");
    assertThat(transactions.log.get(3)).isIn("commit [b, c]", "commit [c, b]");
  }

  @Test
  void aFailingChangeUndoesItsGroupAndOnlyItsCallerSeesTheFailure() throws Exception {
    CountDownLatch release = holdTheTurn();
    CompletableFuture<String> b = handIn(() -> transactions.write("b"));
    waitUntilWaiting(1);
    CompletableFuture<String> bad =
        handIn(
            () -> {
              transactions.write("bad");
              throw new IllegalArgumentException("no such delivery");
            });
    waitUntilWaiting(2);

    release.countDown();

    assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("b");
    assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("no such delivery");
    assertThat(transactions.log)
        .containsExactly(
            "begin",
            "commit [a]",
            "begin",
            "rollback [b, bad]",
            "begin",
            "commit [b]",
            "begin",
            "rollback [bad]");
  }

  @Test
  void aChangeOnItsOwnThatLostARaceIsRunAgainFromTheStart() {
    AtomicInteger runs = new AtomicInteger();

    String result =
        commits.commit(
            () -> {
              transactions.write("try " + runs.incrementAndGet());
              if (runs.get() == 1) {
                throw new PessimisticLockingFailureException("Task/2 changed meanwhile");
              }
              return "done";
            });

    assertThat(result).isEqualTo("done");
    assertThat(transactions.log)
        .containsExactly("begin", "rollback [try 1]", "begin", "commit [try 2]");
  }

  @Test
  void aChangeThatKeepsLosingRacesFailsAfterFiveTries() {
    AtomicInteger runs = new AtomicInteger();

    assertThatThrownBy(
            () ->
                commits.commit(
                    () -> {
                      runs.incrementAndGet();
                      throw new PessimisticLockingFailureException("Task/2 changed meanwhile");
                    }))
        .isInstanceOf(PessimisticLockingFailureException.class);
    assertThat(runs.get()).isEqualTo(5);
  }

  /** Starts change "a" on another thread and holds it (and so the commit turn) until released. */
  private CountDownLatch holdTheTurn() throws InterruptedException {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    handIn(
        () -> {
          transactions.write("a");
          inside.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "a";
        });
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    return release;
  }

  private CompletableFuture<String> handIn(Supplier<String> change) {
    return CompletableFuture.supplyAsync(() -> commits.commit(change), threads);
  }

  private void waitUntilWaiting(int changes) throws InterruptedException {
    for (int i = 0; i < 1000 && commits.waitingChanges() < changes; i++) {
      Thread.sleep(10);
    }
    assertThat(commits.waitingChanges()).isEqualTo(changes);
  }
}
