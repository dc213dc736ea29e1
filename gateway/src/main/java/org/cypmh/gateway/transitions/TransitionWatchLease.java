package org.cypmh.gateway.transitions;

import java.time.Duration;
import java.util.Optional;
import org.cypmh.gateway.jobs.SingletonJobs;
import org.springframework.stereotype.Component;

/**
 * The transition watch run under its database lease ({@link SingletonJobs}): on schedule by one
 * node per interval, on demand unless a run is under way on some node.
 */
@Component
public class TransitionWatchLease {

  static final String JOB = "transition-watch";

  /**
   * Far longer than a run takes (a few seconds per thousand open referrals), yet short enough that
   * a node dying mid-run does not hold the watch up for long: another node runs it after this.
   */
  private static final Duration LOCK_AT_MOST_FOR = Duration.ofMinutes(15);

  /** A run takes seconds; an operator's request waits this long for one under way to end. */
  private static final Duration PATIENCE = Duration.ofSeconds(20);

  private final TransitionWatch watch;
  private final SingletonJobs jobs;
  private final Duration interval;

  TransitionWatchLease(TransitionWatch watch, SingletonJobs jobs, TransitionProperties settings) {
    this.watch = watch;
    this.jobs = jobs;
    this.interval = settings.watchInterval();
  }

  /** The scheduled run: empty if another node ran it in this interval or is running it. */
  Optional<TransitionWatch.Outcome> runOnSchedule() {
    return jobs.runOnSchedule(JOB, interval, LOCK_AT_MOST_FOR, watch::run);
  }

  /**
   * Runs the watch now, after the run under way on some node if there is one: empty if that run has
   * not ended within {@link #PATIENCE}.
   */
  public Optional<TransitionWatch.Outcome> runNow() {
    return jobs.runNowOrWait(JOB, LOCK_AT_MOST_FOR, PATIENCE, watch::run);
  }

  /** What to tell an operator whose run now was refused. */
  public String runningElsewhere() {
    return "The transition watch has been running on "
        + jobs.lastHolder(JOB).orElse("another node")
        + " for longer than "
        + PATIENCE.toSeconds()
        + " s; run it again when that run has finished.";
  }
}
