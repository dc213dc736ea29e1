package org.cypmh.gateway.jobs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockingTaskExecutor.TaskResult;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Runs the jobs that must not run on two nodes at once (transition watch, audit sealing, audit
 * retention) under a lease in the database: ShedLock's {@code GW_SHEDLOCK} table, with the
 * database's clock so nodes' clocks need not agree.
 *
 * <p>Each job has two leases. The <em>run</em> lease ({@code <job>}) is held while a run is under
 * way, by scheduled and on-demand runs alike, so two runs never overlap. The <em>period</em> lease
 * ({@code <job>-period}) is taken by a scheduled run and kept for the job's interval after it
 * started, so in each interval exactly one node's schedule runs the job; the others find it taken
 * and skip. A node that dies holding a lease releases it by letting it run out: the period lease
 * after one interval, the run lease after the job's {@code lockAtMostFor}; another node's schedule
 * then runs the job the next time it comes round.
 */
@Component
public class SingletonJobs {

  static final String TABLE = "GW_SHEDLOCK";

  /** How often a waiting run asks for the lease again: one cheap update. */
  private static final Duration RETRY = Duration.ofMillis(250);

  private final LockingTaskExecutor executor;
  private final JdbcTemplate jdbc;

  SingletonJobs(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.executor =
        new DefaultLockingTaskExecutor(
            new JdbcTemplateLockProvider(
                JdbcTemplateLockProvider.Configuration.builder()
                    .withJdbcTemplate(jdbc)
                    .withTableName(TABLE)
                    .withLockedByValue(nodeName())
                    .usingDbTime()
                    .build()));
  }

  /**
   * A scheduled run: runs the task unless another node's schedule ran it within the last {@code
   * interval} or a run is under way. Empty if this node did not run it.
   *
   * @param lockAtMostFor longer than a run can take: how long a run lease outlives a node that died
   *     while running
   */
  public <T> Optional<T> runOnSchedule(
      String job, Duration interval, Duration lockAtMostFor, Supplier<T> task) {
    // Held for the whole interval after the run starts (lockAtLeastFor = interval): a node whose
    // schedule comes round sooner finds it taken. Its most is the same, so a dead node's period
    // lease never blocks the next interval.
    LockConfiguration period =
        new LockConfiguration(Instant.now(), job + "-period", interval, interval);
    try {
      TaskResult<Optional<T>> result =
          executor.executeWithLock(() -> runNow(job, lockAtMostFor, task), period);
      return result.wasExecuted() ? result.getResult() : Optional.empty();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A run now (on demand, or a last run on shutdown): runs the task unless a run is under way on
   * any node. Empty if one is.
   */
  public <T> Optional<T> runNow(String job, Duration lockAtMostFor, Supplier<T> task) {
    // No lockAtLeastFor: the run lease is released as soon as the run ends.
    LockConfiguration run = new LockConfiguration(Instant.now(), job, lockAtMostFor, Duration.ZERO);
    try {
      TaskResult<T> result = executor.executeWithLock(task::get, run);
      return result.wasExecuted() ? Optional.ofNullable(result.getResult()) : Optional.empty();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A run an operator asked for: if a run is under way on some node, waits up to {@code patience}
   * for it to end and then runs (a run takes seconds; an operator pressing the button during the
   * schedule's run should not be refused for that). Empty if a run was still under way.
   */
  public <T> Optional<T> runNowOrWait(
      String job, Duration lockAtMostFor, Duration patience, Supplier<T> task) {
    long giveUpAt = System.nanoTime() + patience.toNanos();
    while (true) {
      Optional<T> result = runNow(job, lockAtMostFor, task);
      if (result.isPresent() || System.nanoTime() >= giveUpAt) {
        return result;
      }
      try {
        Thread.sleep(RETRY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /**
   * The node that last took the job's run lease: after {@link #runNow} found a run under way, the
   * node running it.
   */
  public Optional<String> lastHolder(String job) {
    return jdbc
        .query(
            "select locked_by from " + TABLE + " where name = ?", (rs, row) -> rs.getString(1), job)
        .stream()
        .findFirst();
  }

  /** Names this node in the lease table: host name and process id. */
  static String nodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid();
  }
}
