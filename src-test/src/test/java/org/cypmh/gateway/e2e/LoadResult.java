package org.cypmh.gateway.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.cypmh.gateway.e2e.Workload.Kind;

/**
 * What one load phase did: every request sent (each with its answer or failure), the requests that
 * were due but never sent because the gateway fell too far behind, and the phase's wall time.
 * Nothing is dropped from the counts: a failed request is an error, an unsent one is reported too.
 */
record LoadResult(
    List<LoadResult.Sample> samples,
    int unsent,
    double wallSeconds,
    Map<String, String> firstErrorBodies) {

  /**
   * One request: when it was due (epoch ms), its latency from then until the answer (ms), the HTTP
   * status (0: no answer, see {@code failure}), and the referrer's identifier if it was a referral.
   */
  record Sample(
      Kind kind,
      long dueAtMillis,
      double latencyMillis,
      int status,
      String failure,
      String referralIdentifier) {

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** Latency percentiles (ms) of a set of requests. */
  record Latencies(int count, double p50, double p95, double p99, double max) {

    static Latencies of(List<Double> values) {
      List<Double> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return new Latencies(
          sorted.size(),
          rank(sorted, 50),
          rank(sorted, 95),
          rank(sorted, 99),
          sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile: the smallest value with at least this share at or below it. */
    private static double rank(List<Double> sorted, double percent) {
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
  }

  long accepted() {
    return samples.stream().filter(Sample::ok).count();
  }

  long errors() {
    return samples.size() - accepted();
  }

  /** Answered successfully per second of the phase. */
  double throughput() {
    return wallSeconds > 0 ? accepted() / wallSeconds : 0;
  }

  /** Latencies of the successful requests that match. */
  Latencies latencies(Predicate<Sample> which) {
    return Latencies.of(
        samples.stream().filter(Sample::ok).filter(which).map(Sample::latencyMillis).toList());
  }

  Latencies latencies() {
    return latencies(s -> true);
  }

  /** Error counts by kind and status, e.g. {@code REFERRAL 422 -> 3}, {@code GP_PULL timeout}. */
  Map<String, Long> errorsByKind() {
    Map<String, Long> counts = new TreeMap<>();
    for (Sample sample : samples) {
      if (!sample.ok()) {
        counts.merge(errorKey(sample), 1L, Long::sum);
      }
    }
    return counts;
  }

  static String errorKey(Sample sample) {
    return sample.kind()
        + " "
        + (sample.status() == 0 ? sample.failure() : Integer.toString(sample.status()));
  }
}
