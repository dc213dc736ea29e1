package org.cypmh.gateway.e2e;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the audit trail costs intake and reads, measured in one run: two packaged gateways (separate
 * processes, H2 default), one with the audit trail on and one with {@code
 * gateway.audit.enabled=false}, each routing and delivering to the WireMock partners over mTLS.
 * After a warm-up of each, closed-loop clients post referral transactions as fast as the gateway
 * answers (then search referrals by NHS number, each search an audited patient read), for a number
 * of rounds that alternate which gateway goes first; only one gateway is under load at a time.
 * Prints each round's throughput and intake latency and the on/off ratio of the median throughputs.
 * Not a test (surefire does not pick it up); run it as the module README says.
 *
 * <p>Arguments: [seconds per round, default 20] [rounds, default 4] [clients, default 8] [warm-up
 * seconds, default 60].
 */
public final class AuditOverheadBenchmark {

  private AuditOverheadBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 60;
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "audit-benchmark-");
    String quiet = "logging.level.org.cypmh.gateway.requests=WARN";
    try (GatewayProcess on =
            GatewayProcess.start(
                root.resolve("on"), log(root, "on"), PartnerNetwork.processSettings(quiet));
        GatewayProcess off =
            GatewayProcess.start(
                root.resolve("off"),
                log(root, "off"),
                PartnerNetwork.processSettings(quiet, "gateway.audit.enabled=false"))) {
      GatewayClient auditOn = new GatewayClient(on.port());
      GatewayClient auditOff = new GatewayClient(off.port());
      System.out.printf("warm-up: %d s each, %d clients%n", warmUp, clients);
      drive(() -> postReferral(auditOn), clients, warmUp);
      drive(() -> postReferral(auditOff), clients, warmUp);
      compare(
          "intake",
          auditOn,
          auditOff,
          AuditOverheadBenchmark::postReferral,
          rounds,
          clients,
          seconds);
      // Reads: a GP-style search by NHS number for a young person with a referral on file.
      RoutingReferrals known = RoutingReferrals.referral();
      postReferral(auditOn, known);
      postReferral(auditOff, known);
      String search =
          "/fhir/ServiceRequest?subject:identifier=https://fhir.nhs.uk/Id/nhs-number%7C"
              + known.nhsNumber();
      compare("search", auditOn, auditOff, g -> g.get(search), rounds, clients, seconds);
    }
    // WireMock's threads would keep the JVM alive.
    System.exit(0);
  }

  private static HttpResponse<String> postReferral(GatewayClient gateway) {
    return postReferral(gateway, RoutingReferrals.referral());
  }

  private static HttpResponse<String> postReferral(
      GatewayClient gateway, RoutingReferrals referral) {
    return gateway.post("/fhir", referral.transaction());
  }

  /** Rounds of one kind of request against each gateway in turn; prints the on/off ratio. */
  private static void compare(
      String kind,
      GatewayClient auditOn,
      GatewayClient auditOff,
      Function<GatewayClient, HttpResponse<String>> request,
      int rounds,
      int clients,
      int seconds)
      throws Exception {
    List<Double> onRates = new ArrayList<>();
    List<Double> offRates = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean onFirst = round % 2 == 1;
      for (int leg = 0; leg < 2; leg++) {
        boolean auditing = onFirst == (leg == 0);
        Result result = drive(() -> request.apply(auditing ? auditOn : auditOff), clients, seconds);
        (auditing ? onRates : offRates).add(result.perSecond());
        System.out.printf(
            "%s round %d audit %-3s %6.1f/s  p50 %4d ms  p95 %4d ms  (%d ok, %d failed)%n",
            kind,
            round,
            auditing ? "on" : "off",
            result.perSecond(),
            result.p50(),
            result.p95(),
            result.accepted(),
            result.failed());
        // Let the background routing and delivery of this leg drain before the next.
        Thread.sleep(15_000);
      }
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      ratios.add(onRates.get(i) / offRates.get(i));
    }
    double onMedian = median(onRates);
    double offMedian = median(offRates);
    System.out.printf(
        "%s throughput: audit on %.1f/s, audit off %.1f/s (medians); on/off ratio %.2f,"
            + " median of the rounds' ratios %.2f%n",
        kind, onMedian, offMedian, onMedian / offMedian, median(ratios));
  }

  private record Result(double perSecond, long p50, long p95, int accepted, int failed) {}

  /** Closed loop: each client sends its next request as soon as the last one is answered. */
  private static Result drive(Supplier<HttpResponse<String>> request, int clients, int seconds)
      throws Exception {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Integer> failures = Collections.synchronizedList(new ArrayList<>());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      pool.submit(
          () -> {
            while (System.nanoTime() < deadline) {
              long sent = System.nanoTime();
              HttpResponse<String> response = request.get();
              if (response.statusCode() == 200) {
                latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
              } else {
                failures.add(response.statusCode());
              }
            }
          });
    }
    pool.shutdown();
    pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Result(
        sorted.size() / elapsed,
        percentile(sorted, 50),
        percentile(sorted, 95),
        sorted.size(),
        failures.size());
  }

  private static long percentile(List<Long> sorted, int percent) {
    return sorted.isEmpty()
        ? 0
        : sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static Path log(Path root, String name) throws java.io.IOException {
    Files.createDirectories(root.resolve(name));
    return root.resolve(name).resolve("gateway.log");
  }
}
