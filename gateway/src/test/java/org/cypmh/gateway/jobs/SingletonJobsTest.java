package org.cypmh.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Leases on H2 with the V3 migration's table: runs never overlap, a scheduled run happens once per
 * interval, a run now is refused only while a run is under way.
 */
class SingletonJobsTest {

  private static final Duration MOST = Duration.ofMinutes(1);

  private JdbcDataSource dataSource;
  private SingletonJobs jobs;

  @BeforeEach
  void database() throws Exception {
    dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (var in =
        getClass().getResourceAsStream("/db/gateway/h2/V3__singletons_and_route_files.sql")) {
      new JdbcTemplate(dataSource).execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    jobs = new SingletonJobs(dataSource);
  }

  @Test
  void runsNowOneAfterAnother() {
    assertThat(jobs.runNow("job", MOST, () -> 1)).contains(1);
    assertThat(jobs.runNow("job", MOST, () -> 2)).contains(2);
  }

  @Test
  void aRunNowIsRefusedWhileAnotherNodeRuns() {
    SingletonJobs otherNode = new SingletonJobs(dataSource);
    Optional<Optional<Integer>> inner =
        otherNode.runNow(
            "job",
            MOST,
            // Another thread: ShedLock lets the thread holding a lease in again.
            () -> CompletableFuture.supplyAsync(() -> jobs.runNow("job", MOST, () -> 1)).join());
    assertThat(inner).contains(Optional.empty());
    assertThat(jobs.lastHolder("job")).contains(SingletonJobs.nodeName());
    assertThat(jobs.runNow("job", MOST, () -> 3)).contains(3);
  }

  @Test
  void aRunNowOrWaitRunsOnceTheRunUnderWayEnds() {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    CompletableFuture<Optional<Integer>> first =
        CompletableFuture.supplyAsync(
            () ->
                jobs.runNow(
                    "job",
                    MOST,
                    () -> {
                      running.countDown();
                      waitFor(finish);
                      return 1;
                    }),
            nodes);
    waitFor(running);
    CompletableFuture<Optional<Integer>> waiting =
        CompletableFuture.supplyAsync(
            () -> jobs.runNowOrWait("job", MOST, Duration.ofMinutes(1), () -> 2), nodes);
    assertThat(jobs.runNowOrWait("job", MOST, Duration.ZERO, () -> 3)).isEmpty();
    finish.countDown();
    assertThat(first.join()).contains(1);
    assertThat(waiting.join()).contains(2);
    nodes.shutdown();
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aScheduledRunHappensOncePerInterval() {
    SingletonJobs otherNode = new SingletonJobs(dataSource);
    Duration interval = Duration.ofMinutes(5);
    assertThat(jobs.runOnSchedule("job", interval, MOST, () -> 1)).contains(1);
    assertThat(otherNode.runOnSchedule("job", interval, MOST, () -> 2)).isEmpty();
    assertThat(jobs.runOnSchedule("job", interval, MOST, () -> 3)).isEmpty();
    // Outside the schedule, a run now is not held back by the interval.
    assertThat(otherNode.runNow("job", MOST, () -> 4)).contains(4);
  }

  @Test
  void theNextIntervalRunsOnWhicheverNodeComesFirst() {
    SingletonJobs otherNode = new SingletonJobs(dataSource);
    Duration interval = Duration.ofMillis(300);
    assertThat(jobs.runOnSchedule("job", interval, MOST, () -> 1)).contains(1);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> otherNode.runOnSchedule("job", interval, MOST, () -> 2).isPresent());
  }
}
