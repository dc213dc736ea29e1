package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away for 30 s (a TCP relay between the gateway and the server cuts every
 * connection and turns new ones away; the server itself, shared with other builds, is never
 * stopped) while referrals and searches keep arriving. Every request is answered in bounded time
 * with either success or 503 + {@code Retry-After} + a transient OperationOutcome; the gateway
 * recovers by itself when the database is back; every referral it accepted is stored and reaches
 * its partner exactly once, and no outbox event or delivery is left behind.
 *
 * <p>{@code -Ddatabase-outage.seconds=5} shortens the outage for a quick local run.
 */
class DatabaseOutageTest {

  private static final Duration OUTAGE =
      Duration.ofSeconds(Long.getLong("database-outage.seconds", 30));
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final Duration AFTER_RECOVERY = Duration.ofSeconds(10);

  /** No answer may take longer: requests fail fast while the database is away. */
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(30);

  private static final String CRISIS = "/camhs-crisis/fhir";

  enum Phase {
    BEFORE,
    DURING,
    AFTER
  }

  /** One request: what it was, when it started (relative to the outage) and how it ended. */
  record Answer(boolean referral, String identifier, Phase phase, long startedNanos, int status) {}

  private final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
  private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
  private volatile long cutAt = Long.MAX_VALUE;
  private volatile long restoredAt = Long.MAX_VALUE;

  @Test
  void requestsDuringAnOutageGet503AndNothingAcceptedIsLost() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    URI server = URI.create(database.adminUrl().substring("jdbc:".length()));
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "db-outage-");

    try (TcpProxy proxy = TcpProxy.to(server.getHost(), server.getPort());
        GatewayProcess gateway =
            GatewayProcess.start(
                root, root.resolve("gateway.log"), settings(database, proxy, root))) {
      GatewayClient client = new GatewayClient("http://localhost:" + gateway.port(), ANSWER_BOUND);
      AtomicInteger sequence = new AtomicInteger();
      ExecutorService senders = Executors.newFixedThreadPool(16);
      ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
      // Open loop, 4 requests a second: three referrals (urgent: to the crisis team) to a search.
      pace.scheduleAtFixedRate(
          () -> senders.submit(() -> send(client, sequence.incrementAndGet() % 4 != 0)),
          0,
          250,
          TimeUnit.MILLISECONDS);

      pause(WARM_UP);
      cutAt = System.nanoTime();
      proxy.cut();
      pause(OUTAGE);
      proxy.restore();
      restoredAt = System.nanoTime();
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> firstSuccessAfterRestore() != null);
      pause(AFTER_RECOVERY);
      pace.shutdown();
      assertThat(pace.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      senders.shutdown();
      assertThat(senders.awaitTermination(2, TimeUnit.MINUTES)).isTrue();

      List<String> accepted =
          answers.stream()
              .filter(a -> a.referral() && a.status() == 200)
              .map(Answer::identifier)
              .toList();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () ->
                  PartnerJournal.of(CRISIS, accepted).acceptancesByReferral().size()
                      == accepted.size());
      // Anything still in flight settles.
      pause(Duration.ofSeconds(3));

      PartnerJournal journal = PartnerJournal.of(CRISIS, accepted);
      Map<String, Set<String>> keys = journal.keysByReferral();
      Map<String, Integer> acceptances = journal.acceptancesByReferral();
      long lost = accepted.stream().filter(id -> !acceptances.containsKey(id)).count();
      long duplicated = acceptances.values().stream().filter(n -> n > 1).count();
      long notStored = accepted.stream().filter(id -> !stored(client, id)).count();
      Duration recovery = Duration.ofNanos(firstSuccessAfterRestore().startedNanos() - restoredAt);
      printFigures(
          accepted.size(),
          acceptances.size(),
          journal.calls().size() - acceptances.size(),
          duplicated,
          lost,
          recovery);

      assertThat(unexpected).as("answers other than success or a proper 503").isEmpty();
      assertThat(count(Phase.DURING, 503)).as("requests refused during the outage").isPositive();
      assertThat(count(Phase.BEFORE, 200)).isPositive();
      assertThat(recovery).isLessThan(Duration.ofSeconds(60));
      assertThat(notStored).as("accepted referrals not stored").isZero();
      assertThat(lost).as("accepted referrals never delivered").isZero();
      assertThat(duplicated).as("referrals the partner accepted twice").isZero();
      assertThat(keys.values()).allMatch(k -> k.size() == 1);
      try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "")) {
        System.out.printf(
            "  deliveries stored twice for one referral and partner: %d%n",
            count(
                sql,
                "select count(*) - count(distinct IDEMPOTENCY_KEY) from GW_DELIVERY"
                    + " where KIND is null or KIND = 'REFERRAL'"));
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () ->
                    count(sql, "select count(*) from GW_OUTBOX_EVENT where STATUS <> 'DONE'") == 0);
        assertThat(count(sql, "select count(*) from GW_DELIVERY where STATUS <> 'DELIVERED'"))
            .isZero();
      }
    }
  }

  /** Lets time pass while the load runs (Awaitility, so the wait is bounded and visible). */
  private static void pause(Duration time) {
    await().pollDelay(time).atMost(time.plusSeconds(5)).until(() -> true);
  }

  private void send(GatewayClient client, boolean referral) {
    long started = System.nanoTime();
    Phase phase =
        started < cutAt ? Phase.BEFORE : started < restoredAt ? Phase.DURING : Phase.AFTER;
    String identifier = null;
    HttpResponse<String> response;
    try {
      if (referral) {
        RoutingReferrals sent = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
        identifier = sent.identifier();
        response = client.post("/fhir", sent.transaction());
      } else {
        response = client.get("/fhir/ServiceRequest?priority=urgent&_count=5");
      }
    } catch (RuntimeException noAnswer) {
      unexpected.add(phase + ": no answer within " + ANSWER_BOUND + ": " + noAnswer);
      return;
    }
    int status = response.statusCode();
    answers.add(new Answer(referral, identifier, phase, started, status));
    if (status == 200) {
      return;
    }
    if (status != 503) {
      unexpected.add(phase + ": " + status + " " + abbreviated(response.body()));
      return;
    }
    String problem = problemWith503(response);
    if (problem != null) {
      unexpected.add(phase + ": 503 " + problem + ": " + abbreviated(response.body()));
    }
  }

  /** A 503 must say when to come back and why, in FHIR, and nothing about our internals. */
  private static String problemWith503(HttpResponse<String> response) {
    if (response.headers().firstValue("Retry-After").isEmpty()) {
      return "without Retry-After";
    }
    OperationOutcome outcome;
    try {
      outcome = GatewayClient.outcome(response);
    } catch (RuntimeException notFhir) {
      return "without an OperationOutcome";
    }
    if (outcome.getIssueFirstRep().getCode() != OperationOutcome.IssueType.TRANSIENT) {
      return "with issue code " + outcome.getIssueFirstRep().getCode();
    }
    String body = response.body();
    if (body.contains("Exception") || body.contains("org.") || body.contains("Hikari")) {
      return "naming internals";
    }
    return null;
  }

  private Answer firstSuccessAfterRestore() {
    synchronized (answers) {
      return answers.stream()
          .filter(a -> a.startedNanos() >= restoredAt && a.status() == 200)
          .min((x, y) -> Long.compare(x.startedNanos(), y.startedNanos()))
          .orElse(null);
    }
  }

  private long count(Phase phase, int status) {
    synchronized (answers) {
      return answers.stream().filter(a -> a.phase() == phase && a.status() == status).count();
    }
  }

  private void printFigures(
      int accepted, int delivered, int resent, long duplicated, long lost, Duration recovery) {
    Map<String, Long> byOutcome;
    synchronized (answers) {
      byOutcome =
          answers.stream()
              .collect(
                  Collectors.groupingBy(
                      a ->
                          a.phase()
                              + " "
                              + (a.referral() ? "referral" : "search")
                              + " "
                              + a.status(),
                      TreeMap::new,
                      Collectors.counting()));
    }
    StringBuilder table = new StringBuilder("database outage of " + OUTAGE.toSeconds() + " s:\n");
    byOutcome.forEach((k, v) -> table.append(String.format("  %-24s %5d%n", k, v)));
    table.append(String.format("  %-24s %5d%n", "no answer / wrong answer", unexpected.size()));
    table.append(
        String.format(
            "  recovery (restore to first success): %d ms%n"
                + "  referrals sent %d, accepted %d, delivered %d (partner calls beyond one per"
                + " referral %d), accepted twice by the partner %d, lost %d%n",
            recovery.toMillis(),
            answers.stream().filter(Answer::referral).count(),
            accepted,
            delivered,
            resent,
            duplicated,
            lost));
    System.out.print(table);
    unexpected.stream().limit(5).forEach(u -> System.out.println("  unexpected: " + u));
  }

  private static boolean stored(GatewayClient client, String identifier) {
    return client
        .get(
            "/fhir/ServiceRequest?identifier=https://referrer.example.org/referrals%7C"
                + identifier)
        .body()
        .contains("\"total\":1");
  }

  private static String[] settings(EmptyPostgresDatabase database, TcpProxy proxy, Path root) {
    return PartnerNetwork.onPostgres(
        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database.name(),
        database.user(),
        root,
        // Work interrupted by the outage is picked up again soon after it.
        "routes.outbox.lease=5s",
        "routes.outbox.retry-delay=2s",
        // The lease outlasts one call (connect + response timeout), as the gateway requires.
        "routes.delivery.connect-timeout=1s",
        "routes.delivery.response-timeout=3s",
        "routes.delivery.lease=5s",
        "routes.delivery.poll-interval=500ms",
        "routes.delivery.redelivery-delay=300ms",
        "routes.delivery.max-redelivery-delay=1s",
        "routes.delivery.max-redeliveries=20");
  }

  private static long count(Connection sql, String query) throws Exception {
    try (ResultSet result = sql.createStatement().executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static String abbreviated(String body) {
    return body == null || body.length() < 300 ? body : body.substring(0, 300) + "...";
  }
}
