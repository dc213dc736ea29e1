package org.cypmh.gateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares two gateways under the same closed-loop load in one run: after both are warm, rounds
 * alternate which goes first, only one is under load at a time, and a gateway that routes gets its
 * delivery backlog drained before the next leg. Rounds pair up, so drift in the machine's speed
 * (other work, thermal) hits both sides of each round alike.
 */
final class PairedRounds {

  /** One side of the comparison: a gateway, its workload and memory, whether it routes. */
  record Contender(String name, Workload workload, GatewayFootprint footprint, boolean routes) {}

  /** Throughput medians, their ratio, the median of the rounds' ratios, and when it ran. */
  record Comparison(
      String first,
      String second,
      List<Double> firstThroughputs,
      List<Double> secondThroughputs,
      double firstMedian,
      double secondMedian,
      double ratioOfMedians,
      double medianOfRoundRatios,
      Instant from,
      Instant to,
      Map<String, Long> acceptedByGateway) {}

  private PairedRounds() {}

  static Comparison compare(
      String scenario,
      Contender first,
      Contender second,
      int rounds,
      int clients,
      Duration legDuration,
      BenchmarkReport report)
      throws InterruptedException {
    List<Double> firstRates = new ArrayList<>();
    List<Double> secondRates = new ArrayList<>();
    Map<String, Long> accepted = new LinkedHashMap<>();
    Instant from = Instant.now();
    for (int round = 1; round <= rounds; round++) {
      List<Contender> order = round % 2 == 1 ? List.of(first, second) : List.of(second, first);
      for (Contender contender : order) {
        LoadResult result = leg(scenario, round, contender, clients, legDuration, report);
        (contender == first ? firstRates : secondRates).add(result.throughput());
        accepted.merge(contender.name(), result.accepted(), Long::sum);
      }
    }
    Instant to = Instant.now();
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      ratios.add(firstRates.get(i) / secondRates.get(i));
    }
    double firstMedian = median(firstRates);
    double secondMedian = median(secondRates);
    return new Comparison(
        first.name(),
        second.name(),
        firstRates,
        secondRates,
        firstMedian,
        secondMedian,
        firstMedian / secondMedian,
        median(ratios),
        from,
        to,
        accepted);
  }

  private static LoadResult leg(
      String scenario,
      int round,
      Contender contender,
      int clients,
      Duration duration,
      BenchmarkReport report)
      throws InterruptedException {
    PartnerDeliveries.reset();
    contender.footprint().reset();
    LoadResult result = LoadDriver.closedLoop(contender.workload(), clients, duration);
    GatewayFootprint.Peaks peaks = contender.footprint().peaks();
    Map<String, Object> more = new LinkedHashMap<>();
    if (contender.routes()) {
      long referrals = LoadBenchmark.acceptedReferrals(result);
      more.put(
          "delivered to partners (of " + referrals + " referrals)",
          PartnerDeliveries.awaitDelivered(referrals));
    }
    more.put("cpuMsPerRequest", LoadBenchmark.cpuPerRequest(contender.footprint(), result));
    report.phase(scenario, "round " + round + " saturation", contender.name(), result, peaks, more);
    return result;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
