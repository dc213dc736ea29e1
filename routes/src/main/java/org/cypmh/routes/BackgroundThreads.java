package org.cypmh.routes;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.springframework.stereotype.Component;

/**
 * Routing and delivery run on threads of the lowest Java priority, so that on a busy node the
 * operating system runs a partner's waiting request before the work that follows it. Every thread
 * of the Camel context is such work (routing the outbox, delivering, watching transitions); a
 * request thread only hands work to them and never waits for one.
 *
 * <p>Measured on 2 cores at 20 referrals/s (issue 25): with routing and delivery at the request
 * threads' priority, intake p99 was 451-784 ms; one step lower (nice 4), 280-312 ms. The lower
 * weight only matters while the request threads want the CPU: at 20/s the delivery backlog stayed
 * at 0-20 (README, "Seventh round"). Java priorities reach Linux only with {@code
 * -XX:ThreadPriorityPolicy=1}, which {@code gateway/bin/run.sh} sets; lowering a thread's priority
 * needs no privilege.
 */
@Component
public class BackgroundThreads implements CamelContextConfiguration {

  /** The priority of the gateway's background threads: Linux nice 4 under that policy. */
  private static final int PRIORITY = Thread.MIN_PRIORITY;

  /** A factory making the threads of {@code threads} at the background priority. */
  private static ThreadFactory lowered(ThreadFactory threads) {
    return task -> {
      Thread thread = threads.newThread(task);
      thread.setPriority(PRIORITY);
      return thread;
    };
  }

  @Override
  public void beforeApplicationStart(CamelContext camel) {
    // Before the routes start: their consumers create their thread pools as they start.
    camel.getExecutorServiceManager().setThreadPoolFactory(new LoweredThreadPools());
  }

  @Override
  public void afterApplicationStart(CamelContext camel) {
    // Nothing: the pools are made at the background priority from the start.
  }

  private static final class LoweredThreadPools extends DefaultThreadPoolFactory {

    @Override
    public ExecutorService newCachedThreadPool(ThreadFactory threads) {
      return super.newCachedThreadPool(lowered(threads));
    }

    @Override
    public ExecutorService newThreadPool(ThreadPoolProfile profile, ThreadFactory threads) {
      return super.newThreadPool(profile, lowered(threads));
    }

    @Override
    public ScheduledExecutorService newScheduledThreadPool(
        ThreadPoolProfile profile, ThreadFactory threads) {
      return super.newScheduledThreadPool(profile, lowered(threads));
    }
  }
}
