package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A delivery's retries live in its database row (attempts made, next attempt due), so they survive
 * the node that started them: two gateway processes on one PostgreSQL database, under a steady load
 * of referrals to {@code camhs-crisis}.
 */
@Tag("multi-node")
class DeliveryScheduleAcrossNodesTest {

  private static final String CRISIS = "/camhs-crisis/fhir";

  /** 1 call + 9 retries: a delivery that never gets through ends after exactly 10 calls. */
  private static final int MAX_REDELIVERIES = 9;

  private static final int DOOMED = 6;
  private static final int RECOVERING = 6;

  /**
   * Two nodes under a steady load. First a rolling restart: node a is stopped gracefully (SIGTERM)
   * and started again, then node b; a stopping node finishes its attempts and hands back what it
   * holds, so no referral is lost and none is delivered twice (one request per idempotency key at
   * the partner, one row per key in the ledger, one call each).
   *
   * <p>Then some referrals' partner answers 503 for good, others until the survivor has retried
   * each of them, and node b is killed (SIGKILL) mid-retries. The survivor goes on with each
   * delivery's remaining budget (the doomed ones end after exactly {@value #MAX_REDELIVERIES} + 1
   * calls between both nodes, not that many more), and each recovering referral reaches the partner
   * once, under one idempotency key.
   *
   * <p>One test for both, as each gateway start costs most of a minute on a busy machine.
   */
  @Test
  void deliveriesSurviveARollingRestartAndAKillMidRetries() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "schedule-");
    var partner = PartnerNetwork.PARTNERS.server();
    partner.resetRequests();
    String[] settings = settings(database, root);
    List<StubMapping> outages = new ArrayList<>();
    GatewayProcess[] nodes = {
      GatewayProcess.start(root.resolve("a"), root.resolve("a.log"), settings),
      GatewayProcess.start(root.resolve("b"), root.resolve("b.log"), settings)
    };
    try (SteadyLoad load =
        new SteadyLoad(
            List.of(new GatewayClient(nodes[0].port()), new GatewayClient(nodes[1].port())))) {
      rollingRestart(nodes, root, settings, load);
      List<String> rolled = load.accepted();
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> keysByReferral(rolled).size() == rolled.size());
      assertNothingLostOrDuplicated(database, load, rolled);
      killMidRetries(database, nodes, load, outages);
    } finally {
      outages.forEach(partner::removeStubMapping);
      for (GatewayProcess node : nodes) {
        node.close();
      }
    }
  }

  private static void rollingRestart(
      GatewayProcess[] nodes, Path root, String[] settings, SteadyLoad load) throws Exception {
    for (int i = 0; i < nodes.length; i++) {
      GatewayClient other = new GatewayClient(nodes[1 - i].port());
      int before = load.accepted().size();
      // Generous: on a busy machine a fresh node's first requests take seconds each.
      await().atMost(Duration.ofMinutes(3)).until(() -> load.accepted().size() >= before + 10);
      load.onlyTo(other);
      nodes[i].close();
      String name = i == 0 ? "a" : "b";
      nodes[i] = GatewayProcess.start(root.resolve(name), root.resolve(name + ".log"), settings);
      load.alsoTo(new GatewayClient(nodes[i].port()));
    }
    int restarted = load.accepted().size();
    await().atMost(Duration.ofMinutes(3)).until(() -> load.accepted().size() >= restarted + 10);
  }

  private static void assertNothingLostOrDuplicated(
      EmptyPostgresDatabase database, SteadyLoad load, List<String> accepted) throws Exception {
    Map<String, Set<String>> keys = keysByReferral(accepted);
    Map<String, Long> requestsByKey = requestsByKey(accepted);
    long lost = accepted.stream().filter(id -> !keys.containsKey(id)).count();
    long duplicated = requestsByKey.values().stream().filter(n -> n > 1).count();
    try (Connection sql = connect(database)) {
      long rowsDuplicated =
          count(
              sql,
              "select count(*) from (select IDEMPOTENCY_KEY from GW_DELIVERY"
                  + " group by IDEMPOTENCY_KEY having count(*) > 1) d");
      long delivered =
          count(
              sql,
              "select count(*) from GW_DELIVERY where KIND = 'REFERRAL' and STATUS = 'DELIVERED'");
      long maxAttempts = count(sql, "select max(ATTEMPTS) from GW_DELIVERY");
      System.out.printf(
          "rolling restart of two nodes: referrals sent %d, accepted %d, delivered %d, lost %d,"
              + " duplicates at the partner %d, in the ledger %d, max attempts %d%n",
          load.sent(), accepted.size(), delivered, lost, duplicated, rowsDuplicated, maxAttempts);
      assertThat(lost).isZero();
      assertThat(keys.values()).allMatch(k -> k.size() == 1);
      assertThat(duplicated).isZero();
      assertThat(rowsDuplicated).isZero();
      // The partner answered at once: nothing needed a second call, not even across a stop.
      assertThat(maxAttempts).isEqualTo(1);
      // Also those whose answer a stopping node cut off: stored, so routed and delivered.
      assertThat(delivered).isGreaterThanOrEqualTo(accepted.size());
    }
  }

  private static void killMidRetries(
      EmptyPostgresDatabase database,
      GatewayProcess[] nodes,
      SteadyLoad load,
      List<StubMapping> outages)
      throws Exception {
    var partner = PartnerNetwork.PARTNERS.server();
    GatewayProcess a = nodes[0];
    GatewayProcess b = nodes[1];
    List<RoutingReferrals> doomed = new ArrayList<>();
    List<RoutingReferrals> recovering = new ArrayList<>();
    for (int i = 0; i < DOOMED + RECOVERING; i++) {
      RoutingReferrals referral =
          RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
      outages.add(
          partner.stubFor(
              post(urlEqualTo(CRISIS))
                  .withRequestBody(containing(referral.identifier()))
                  .atPriority(1)
                  .willReturn(aResponse().withStatus(503))));
      (i < DOOMED ? doomed : recovering).add(referral);
      GatewayProcess node = i % 2 == 0 ? a : b;
      assertThat(new GatewayClient(node.port()).post("/fhir", referral.transaction()).statusCode())
          .isEqualTo(200);
    }
    List<RoutingReferrals> failing = new ArrayList<>(doomed);
    failing.addAll(recovering);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> failing.stream().allMatch(r -> requestsFor(r).size() >= 2));

    load.onlyTo(new GatewayClient(a.port()));
    b.kill();
    Map<String, Integer> atKill;
    try (Connection sql = connect(database)) {
      atKill = attemptsByKey(sql, failing);
    }
    // The survivor retries each failing delivery (those b held too, once its lease runs out).
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              try (Connection sql = connect(database)) {
                return attemptsByKey(sql, recovering).entrySet().stream()
                    .allMatch(e -> e.getValue() > atKill.get(e.getKey()));
              }
            });
    for (StubMapping outage : outages.subList(DOOMED, outages.size())) {
      partner.removeStubMapping(outage);
    }
    // The steady load goes on until the doomed are dead letters and the others delivered.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              try (Connection sql = connect(database)) {
                return statusByKey(sql, doomed).values().stream().allMatch("DEAD"::equals)
                    && statusByKey(sql, recovering).values().stream().allMatch("DELIVERED"::equals);
              }
            });
    load.close();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> allPending(database) == 0);

    try (Connection sql = connect(database)) {
      Map<String, Integer> doomedAttempts = attemptsByKey(sql, doomed);
      int continuedBySurvivor = 0;
      for (RoutingReferrals referral : doomed) {
        String key = requestsFor(referral).get(0).getRequest().getHeader("Idempotency-Key");
        assertThat(doomedAttempts.get(key)).isEqualTo(MAX_REDELIVERIES + 1);
        // Every call the row counts was made, bar one the kill may have cut off before it left.
        assertThat(requestsFor(referral).size()).isBetween(MAX_REDELIVERIES, MAX_REDELIVERIES + 1);
        continuedBySurvivor += MAX_REDELIVERIES + 1 - atKill.get(key);
      }
      assertThat(continuedBySurvivor).isPositive();
      Map<String, Integer> recoveringAttempts = attemptsByKey(sql, recovering);
      int maxAttempts = 0;
      for (RoutingReferrals referral : recovering) {
        List<ServeEvent> requests = requestsFor(referral);
        assertThat(keys(requests)).hasSize(1);
        String key = keys(requests).iterator().next();
        assertThat(requests.stream().filter(e -> e.getResponse().getStatus() == 200).count())
            .isEqualTo(1);
        assertThat(recoveringAttempts.get(key)).isGreaterThan(atKill.get(key));
        maxAttempts = Math.max(maxAttempts, recoveringAttempts.get(key));
      }
      List<String> steady = load.accepted();
      Map<String, Set<String>> steadyKeys = keysByReferral(steady);
      assertThat(steadyKeys.keySet()).containsExactlyInAnyOrderElementsOf(steady);
      assertThat(steadyKeys.values()).allMatch(k -> k.size() == 1);
      System.out.printf(
          "kill mid-retries: doomed %d (calls each %d, %d of them by the survivor), recovering %d"
              + " (max attempts %d, delivered once each), steady load in all sent %d, accepted"
              + " %d, delivered %d, each under one key%n",
          DOOMED,
          MAX_REDELIVERIES + 1,
          continuedBySurvivor,
          RECOVERING,
          maxAttempts,
          load.sent(),
          steady.size(),
          steadyKeys.size());
    }
  }

  private static String[] settings(EmptyPostgresDatabase database, Path root) {
    return PartnerNetwork.onPostgres(
        database.jdbcUrl(),
        database.user(),
        root,
        // A dead node's claims run out quickly, so the other takes its work over.
        "routes.outbox.lease=5s",
        // The lease outlasts one call (connect + response timeout), as the gateway requires.
        "routes.delivery.connect-timeout=1s",
        "routes.delivery.response-timeout=8s",
        "routes.delivery.lease=10s",
        "routes.delivery.poll-interval=300ms",
        "routes.delivery.redelivery-delay=500ms",
        "routes.delivery.max-redelivery-delay=2s",
        "routes.delivery.max-redeliveries=" + MAX_REDELIVERIES,
        // Opens only if every recent call failed; the steady load keeps it closed.
        "routes.delivery.breaker-failure-rate=100",
        "routes.delivery.breaker-open-for=500ms");
  }

  /**
   * Referrals posted one after another to the nodes it is given (in turn), until closed. A referral
   * a node refuses (it is stopping) is not counted as accepted.
   */
  private static final class SteadyLoad implements AutoCloseable {
    private final List<GatewayClient> nodes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService sender = Executors.newSingleThreadExecutor();

    SteadyLoad(List<GatewayClient> nodes) {
      this.nodes.addAll(nodes);
      sender.submit(this::run);
    }

    private void run() {
      for (int i = 0; running.get(); i++) {
        GatewayClient node;
        synchronized (nodes) {
          node = nodes.get(i % nodes.size());
        }
        RoutingReferrals referral =
            RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
        sent.incrementAndGet();
        try {
          HttpResponse<String> response = node.post("/fhir", referral.transaction());
          if (response.statusCode() == 200) {
            accepted.add(referral.identifier());
          }
        } catch (RuntimeException stopping) {
          // Refused: the node is going away.
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void onlyTo(GatewayClient node) {
      synchronized (nodes) {
        nodes.clear();
        nodes.add(node);
      }
    }

    void alsoTo(GatewayClient node) {
      nodes.add(node);
    }

    List<String> accepted() {
      synchronized (accepted) {
        return List.copyOf(accepted);
      }
    }

    int sent() {
      return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      sender.shutdown();
      sender.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  private static List<ServeEvent> requestsFor(RoutingReferrals referral) {
    return crisisRequests().stream()
        .filter(e -> e.getRequest().getBodyAsString().contains(referral.identifier()))
        .toList();
  }

  private static List<ServeEvent> crisisRequests() {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals(CRISIS))
        .toList();
  }

  private static Set<String> keys(List<ServeEvent> requests) {
    Set<String> keys = new HashSet<>();
    requests.forEach(e -> keys.add(e.getRequest().getHeader("Idempotency-Key")));
    return keys;
  }

  /** Each referral's idempotency keys as the partner received them. */
  private static Map<String, Set<String>> keysByReferral(List<String> referrals) {
    Set<String> wanted = new HashSet<>(referrals);
    Map<String, Set<String>> keys = new HashMap<>();
    for (ServeEvent request : crisisRequests()) {
      String identifier = identifierIn(request.getRequest().getBodyAsString());
      if (identifier != null && wanted.contains(identifier)) {
        keys.computeIfAbsent(identifier, k -> new HashSet<>())
            .add(request.getRequest().getHeader("Idempotency-Key"));
      }
    }
    return keys;
  }

  /** How many requests the partner received under each of these referrals' keys. */
  private static Map<String, Long> requestsByKey(List<String> referrals) {
    Set<String> wanted = new HashSet<>(referrals);
    Map<String, Long> requests = new HashMap<>();
    for (ServeEvent request : crisisRequests()) {
      String identifier = identifierIn(request.getRequest().getBodyAsString());
      if (identifier != null && wanted.contains(identifier)) {
        requests.merge(request.getRequest().getHeader("Idempotency-Key"), 1L, Long::sum);
      }
    }
    return requests;
  }

  private static String identifierIn(String body) {
    int at = body.indexOf("https://referrer.example.org/referrals");
    if (at < 0) {
      return null;
    }
    int valueAt = body.indexOf("\"value\":\"", at) + 9;
    return body.substring(valueAt, body.indexOf('"', valueAt));
  }

  /** Each failing referral's delivery attempts (calls made) in the ledger, by idempotency key. */
  private static Map<String, Integer> attemptsByKey(
      Connection sql, List<RoutingReferrals> referrals) throws Exception {
    Map<String, Integer> attempts = new HashMap<>();
    for (RoutingReferrals referral : referrals) {
      String key = requestsFor(referral).get(0).getRequest().getHeader("Idempotency-Key");
      try (var query =
          sql.prepareStatement("select ATTEMPTS from GW_DELIVERY where IDEMPOTENCY_KEY = ?")) {
        query.setString(1, key);
        try (ResultSet result = query.executeQuery()) {
          result.next();
          attempts.put(key, result.getInt(1));
        }
      }
    }
    return attempts;
  }

  private static Map<String, String> statusByKey(Connection sql, List<RoutingReferrals> referrals)
      throws Exception {
    Map<String, String> statuses = new HashMap<>();
    for (RoutingReferrals referral : referrals) {
      String key = requestsFor(referral).get(0).getRequest().getHeader("Idempotency-Key");
      try (var query =
          sql.prepareStatement("select STATUS from GW_DELIVERY where IDEMPOTENCY_KEY = ?")) {
        query.setString(1, key);
        try (ResultSet result = query.executeQuery()) {
          result.next();
          statuses.put(key, result.getString(1));
        }
      }
    }
    return statuses;
  }

  /** Outbox events not done and deliveries still pending: work not finished yet. */
  private static long allPending(EmptyPostgresDatabase database) throws Exception {
    try (Connection sql = connect(database)) {
      return count(sql, "select count(*) from GW_OUTBOX_EVENT where STATUS <> 'DONE'")
          + count(sql, "select count(*) from GW_DELIVERY where STATUS = 'PENDING'");
    }
  }

  private static Connection connect(EmptyPostgresDatabase database) throws Exception {
    return DriverManager.getConnection(database.jdbcUrl(), database.user(), "");
  }

  private static long count(Connection sql, String query) throws Exception {
    try (ResultSet result = sql.createStatement().executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }
}
