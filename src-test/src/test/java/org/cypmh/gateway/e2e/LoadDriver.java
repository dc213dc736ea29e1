package org.cypmh.gateway.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.cypmh.gateway.e2e.LoadResult.Sample;
import org.cypmh.gateway.e2e.Workload.Operation;

/**
 * Drives a {@link Workload} against a gateway in one of two ways: closed loop (a fixed number of
 * clients, each sending its next request when the last is answered: finds the saturation
 * throughput) or open loop at a fixed arrival rate (requests are due on a schedule whatever the
 * gateway's speed; latency counts from when a request was due, so time spent queued behind a slow
 * gateway is not hidden).
 */
final class LoadDriver {

  // An open-loop phase sends at most this many requests at once; the rest wait their turn.
  private static final int MAX_IN_FLIGHT = 64;
  // After an open-loop phase, how long requests already due may still be sent and answered.
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final int ERROR_BODY_CHARS = 300;

  private LoadDriver() {}

  static LoadResult closedLoop(Workload workload, int clients, Duration duration)
      throws InterruptedException {
    Recorder recorder = new Recorder();
    long start = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    long end = start + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      pool.execute(
          () -> {
            while (System.nanoTime() < end) {
              long due = System.nanoTime();
              recorder.send(workload.next(), due, startMillis + (due - start) / 1_000_000);
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(duration.plus(GRACE).plusMinutes(2).toSeconds(), TimeUnit.SECONDS);
    return recorder.result(0, (System.nanoTime() - start) / 1e9);
  }

  static LoadResult fixedRate(Workload workload, double perSecond, Duration duration)
      throws InterruptedException {
    Recorder recorder = new Recorder();
    long periodNanos = (long) (1e9 / perSecond);
    long count = (long) (perSecond * duration.toSeconds());
    ThreadPoolExecutor senders =
        new ThreadPoolExecutor(
            MAX_IN_FLIGHT, MAX_IN_FLIGHT, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    long start = System.nanoTime();
    long startMillis = System.currentTimeMillis();
    for (long i = 0; i < count; i++) {
      long due = start + i * periodNanos;
      LockSupport.parkNanos(due - System.nanoTime());
      Operation operation = workload.next();
      senders.execute(() -> recorder.send(operation, due, startMillis + (due - start) / 1_000_000));
    }
    senders.shutdown();
    int unsent = 0;
    if (!senders.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS)) {
      // Due but never sent: the gateway fell too far behind. Counted, not silently dropped;
      // requests already sent run to their answer or their timeout.
      unsent = senders.getQueue().drainTo(new ArrayList<>());
      senders.awaitTermination(GRACE.toSeconds() * 3, TimeUnit.SECONDS);
    }
    return recorder.result(unsent, (System.nanoTime() - start) / 1e9);
  }

  /** Sends operations and keeps every outcome. */
  private static final class Recorder {

    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final Map<String, String> firstErrorBodies = new ConcurrentHashMap<>();

    void send(Operation operation, long dueNanos, long dueMillis) {
      int status;
      String failure = null;
      try {
        HttpResponse<String> response = operation.send().get();
        status = response.statusCode();
        if (status >= 200 && status < 300) {
          operation.accepted().accept(response);
        } else {
          firstErrorBodies.putIfAbsent(
              operation.kind() + " " + status, abbreviate(response.body()));
        }
      } catch (RuntimeException e) {
        status = 0;
        failure =
            e.getCause() != null
                ? e.getCause().getClass().getSimpleName()
                : e.getClass().getSimpleName();
        firstErrorBodies.putIfAbsent(operation.kind() + " " + failure, abbreviate(e.getMessage()));
      }
      samples.add(
          new Sample(
              operation.kind(),
              dueMillis,
              (System.nanoTime() - dueNanos) / 1e6,
              status,
              failure,
              operation.referralIdentifier()));
    }

    LoadResult result(int unsent, double wallSeconds) {
      return new LoadResult(
          List.copyOf(samples), unsent, wallSeconds, Map.copyOf(firstErrorBodies));
    }

    private static String abbreviate(String text) {
      if (text == null) {
        return "";
      }
      return text.length() <= ERROR_BODY_CHARS ? text : text.substring(0, ERROR_BODY_CHARS) + "…";
    }
  }
}
