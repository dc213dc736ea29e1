package org.cypmh.gateway.e2e;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;

/**
 * Intake-to-partner latency at a steady arrival rate: the packaged gateway (a separate process, H2
 * by default) receives referral transactions at {@code rate} per second for {@code seconds}; each
 * is routed by the demo routes and delivered over mTLS to a WireMock partner. For each referral it
 * measures the intake response time and the time from sending it to the partner receiving it. Not a
 * test (surefire does not pick it up); run it as described in the module README.
 *
 * <p>Arguments: [rate per second, default 20] [seconds, default 60] [warm-up seconds, default 10].
 */
public final class DeliveryLatencyBenchmark {

  private DeliveryLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int warmUpSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "benchmark-");
    String[] settings =
        PartnerNetwork.processSettings("logging.level.org.cypmh.gateway.requests=WARN");
    try (GatewayProcess gateway =
        GatewayProcess.start(dataDir, dataDir.resolve("gateway.log"), settings)) {
      GatewayClient client = new GatewayClient(gateway.port());
      System.out.printf("warm-up: %d s at %d/s%n", warmUpSeconds, rate);
      run(client, rate, warmUpSeconds);
      PartnerNetwork.PARTNERS.server().resetRequests();
      System.out.printf("measured: %d s at %d/s%n", seconds, rate);
      Run measured = run(client, rate, seconds);
      report(measured);
    }
    // WireMock's threads would keep the JVM alive.
    System.exit(0);
  }

  private record Sent(String identifier, long sentAtMillis, long intakeMillis, int status) {}

  private record Run(List<Sent> sent, long wallMillis) {}

  private static Run run(GatewayClient client, int rate, int seconds) throws Exception {
    List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(1);
    var senders = Executors.newFixedThreadPool(32);
    AtomicInteger remaining = new AtomicInteger(rate * seconds);
    long start = System.currentTimeMillis();
    clock.scheduleAtFixedRate(
        () -> {
          if (remaining.getAndDecrement() <= 0) {
            return;
          }
          senders.submit(
              () -> {
                RoutingReferrals referral =
                    RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
                long at = System.currentTimeMillis();
                HttpResponse<String> response = client.post("/fhir", referral.transaction());
                sent.add(
                    new Sent(
                        referral.identifier(),
                        at,
                        System.currentTimeMillis() - at,
                        response.statusCode()));
              });
        },
        0,
        1_000_000 / rate,
        TimeUnit.MICROSECONDS);
    while (remaining.get() > 0) {
      Thread.sleep(100);
    }
    clock.shutdown();
    senders.shutdown();
    senders.awaitTermination(2, TimeUnit.MINUTES);
    // Give the last deliveries time to arrive.
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && received(sent).size() < accepted(sent)) {
      Thread.sleep(200);
    }
    return new Run(List.copyOf(sent), System.currentTimeMillis() - start);
  }

  private static long accepted(List<Sent> sent) {
    return sent.stream().filter(s -> s.status() == 200).count();
  }

  private static Map<String, Long> received(List<Sent> sent) {
    Map<String, Long> receivedAt = new ConcurrentHashMap<>();
    for (var event : PartnerNetwork.PARTNERS.server().getAllServeEvents()) {
      LoggedRequest request = event.getRequest();
      String body = request.getBodyAsString();
      int at = body.indexOf("https://referrer.example.org/referrals");
      if (at >= 0) {
        int valueAt = body.indexOf("\"value\":\"", at) + 9;
        String identifier = body.substring(valueAt, body.indexOf('"', valueAt));
        receivedAt.merge(identifier, request.getLoggedDate().getTime(), Math::min);
      }
    }
    return receivedAt;
  }

  private static void report(Run run) {
    Map<String, Long> receivedAt = received(run.sent());
    List<Long> intake = new ArrayList<>();
    List<Long> endToEnd = new ArrayList<>();
    for (Sent s : run.sent()) {
      intake.add(s.intakeMillis());
      Long at = receivedAt.get(s.identifier());
      if (at != null) {
        endToEnd.add(at - s.sentAtMillis());
      }
    }
    Collections.sort(intake);
    Collections.sort(endToEnd);
    System.out.printf(
        "referrals sent %d, accepted %d, delivered %d, wall %.1f s%n",
        run.sent().size(), accepted(run.sent()), endToEnd.size(), run.wallMillis() / 1000.0);
    System.out.printf(
        "intake response      p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
        pct(intake, 50), pct(intake, 95), pct(intake, 99), pct(intake, 100));
    System.out.printf(
        "intake-to-partner    p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
        pct(endToEnd, 50), pct(endToEnd, 95), pct(endToEnd, 99), pct(endToEnd, 100));
  }

  private static long pct(List<Long> sorted, int percentile) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
