package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (separate processes) on one PostgreSQL database take 400 referrals between
 * them; one node is killed with SIGKILL while deliveries are in flight and started again. Every
 * accepted referral reaches its partner under exactly one idempotency key (a resend after the kill
 * carries the same key, so the partner can drop it), none is lost, the gateway's delivery records
 * agree, and no outbox event is left behind.
 */
class TwoNodesSurviveAKillTest {

  private static final int REFERRALS = 400;
  private static final String CRISIS = "/camhs-crisis/fhir";

  @Test
  void everyAcceptedReferralIsDeliveredOnceAcrossAKilledAndRestartedNode() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "two-nodes-");
    PartnerNetwork.PARTNERS.server().resetRequests();
    String[] settings = settings(database, root);

    // The first node creates the schema and the shared audit keys; the second joins it.
    GatewayProcess first = GatewayProcess.start(root.resolve("a"), root.resolve("a.log"), settings);
    AtomicReference<GatewayProcess> second =
        new AtomicReference<>(
            GatewayProcess.start(root.resolve("b"), root.resolve("b.log"), settings));
    try {
      GatewayClient a = new GatewayClient(first.port());
      AtomicReference<GatewayClient> b =
          new AtomicReference<>(new GatewayClient(second.get().port()));
      List<String> accepted = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger refused = new AtomicInteger();
      AtomicInteger sent = new AtomicInteger();

      ExecutorService senders = Executors.newFixedThreadPool(8);
      for (int i = 0; i < REFERRALS; i++) {
        int index = i;
        senders.submit(
            () -> {
              RoutingReferrals referral =
                  RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
              GatewayClient node = index % 2 == 0 ? a : b.get();
              try {
                HttpResponse<String> response = node.post("/fhir", referral.transaction());
                if (response.statusCode() == 200) {
                  accepted.add(referral.identifier());
                } else if (refused.incrementAndGet() == 1) {
                  System.out.println(
                      "first refusal: " + response.statusCode() + " " + response.body());
                }
              } catch (RuntimeException killed) {
                if (refused.incrementAndGet() == 1) {
                  System.out.println("first refusal: " + killed);
                }
              }
              sent.incrementAndGet();
            });
      }
      await().atMost(Duration.ofMinutes(3)).until(() -> sent.get() >= REFERRALS / 2);
      second.get().kill();
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      second.set(GatewayProcess.start(root.resolve("b"), root.resolve("b.log"), settings));
      b.set(new GatewayClient(second.get().port()));
      senders.shutdown();
      assertThat(senders.awaitTermination(5, TimeUnit.MINUTES)).isTrue();

      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> keysByReferral(accepted).size() == accepted.size());
      // Anything still in flight settles.
      await().pollDelay(Duration.ofSeconds(5)).until(() -> true);

      Map<String, Set<String>> keys = keysByReferral(accepted);
      int requests = crisisRequests().size();
      long lost = accepted.stream().filter(id -> !keys.containsKey(id)).count();
      long oneKey = keys.values().stream().filter(k -> k.size() == 1).count();
      System.out.printf(
          "two nodes, one killed: sent %d, accepted %d, refused %d, delivered %d, partner requests"
              + " %d (resends under the same key %d), lost %d%n",
          REFERRALS,
          accepted.size(),
          refused.get(),
          keys.size(),
          requests,
          requests - keys.size(),
          lost);
      assertThat(lost).isZero();
      assertThat(oneKey).isEqualTo(accepted.size());
      assertThat(accepted.size()).isGreaterThan(REFERRALS / 2);
      try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "")) {
        assertThat(count(sql, "select count(*) from GW_OUTBOX_EVENT where STATUS <> 'DONE'"))
            .isZero();
        assertThat(
                count(
                    sql,
                    "select count(*) from GW_DELIVERY where STATUS = 'DELIVERED'"
                        + " and (KIND is null or KIND = 'REFERRAL')"))
            // Also those whose answer the kill cut off: stored, so delivered, never acknowledged.
            .isBetween((long) accepted.size(), (long) REFERRALS);
        assertThat(count(sql, "select count(*) from GW_DELIVERY where STATUS <> 'DELIVERED'"))
            .isZero();
      }
    } finally {
      second.get().close();
      first.close();
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
        "routes.delivery.response-timeout=3s",
        "routes.delivery.lease=5s",
        "routes.delivery.poll-interval=500ms",
        "routes.delivery.redelivery-delay=300ms",
        "routes.delivery.max-redelivery-delay=1s",
        "routes.delivery.max-redeliveries=20");
  }

  private static List<LoggedRequest> crisisRequests() {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .filter(r -> r.getUrl().equals(CRISIS))
        .map(LoggedRequest.class::cast)
        .toList();
  }

  /** Each accepted referral's idempotency keys as the partner received them. */
  private static Map<String, Set<String>> keysByReferral(List<String> accepted) {
    Set<String> wanted = new HashSet<>(accepted);
    Map<String, Set<String>> keys = new HashMap<>();
    for (LoggedRequest request : crisisRequests()) {
      String body = request.getBodyAsString();
      for (String identifier : identifiersIn(body)) {
        if (wanted.contains(identifier)) {
          keys.computeIfAbsent(identifier, k -> new HashSet<>())
              .add(request.getHeader("Idempotency-Key"));
        }
      }
    }
    return keys;
  }

  private static List<String> identifiersIn(String body) {
    List<String> found = new ArrayList<>();
    int at = body.indexOf("https://referrer.example.org/referrals");
    if (at >= 0) {
      int valueAt = body.indexOf("\"value\":\"", at) + 9;
      found.add(body.substring(valueAt, body.indexOf('"', valueAt)));
    }
    return found;
  }

  private static long count(Connection sql, String query) throws Exception {
    try (ResultSet result = sql.createStatement().executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }
}
