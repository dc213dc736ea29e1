package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Test;

/**
 * Six partners misbehave in six ways for a while (WireMock scenarios, then switched to
 * "recovered"): one never answers in time, one resets the connection, one answers 500, one 503 with
 * {@code Retry-After}, one 429 with {@code Retry-After}, and one answers, slowly. Referrals for all
 * six keep arriving meanwhile: intake never waits for a partner, so every one is accepted quickly.
 * Once the partners recover, every accepted referral reaches its partner exactly once, the partners
 * that said {@code Retry-After} were not called again sooner, and nothing is left in the outbox or
 * the delivery queue.
 *
 * <p>{@code -Dpartner-faults.seconds=10} shortens the fault period for a quick local run.
 */
class PartnerFaultsTest {

  private static final Duration FAULTS =
      Duration.ofSeconds(Long.getLong("partner-faults.seconds", 20));
  private static final Duration PARTNER_TIMEOUT = Duration.ofSeconds(10);
  private static final int RETRY_AFTER_SECONDS = 3;

  /**
   * Every intake answer comes before the partner timeout: had intake waited for a partner, those
   * for the partner that never answers in time would take at least {@link #PARTNER_TIMEOUT}. The
   * margin is wide because the machine running the tests is shared (its median is printed).
   */
  private static final Duration INTAKE_BOUND = PARTNER_TIMEOUT;

  private static final String SCENARIO_RECOVERED = "recovered";

  /** One misbehaving partner: where it is, how it fails, and a referral the demo routes send it. */
  enum Misbehaviour {
    TIMES_OUT(
        "/camhs-crisis/fhir",
        () -> RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT),
        aResponse()
            .withStatus(504)
            .withFixedDelay((int) PARTNER_TIMEOUT.plusSeconds(2).toMillis())),
    RESETS_CONNECTION(
        "/camhs-young-peoples-team/fhir",
        () -> RoutingReferrals.referral().pathway("youth-justice").fromYouthJusticeService(),
        aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)),
    ANSWERS_500(
        "/adult-cmht/fhir",
        () -> RoutingReferrals.referral().aged(18).askingFor("camhs-young-peoples-team"),
        aResponse().withStatus(500)),
    ANSWERS_503_RETRY_AFTER(
        "/camhs-spa/fhir",
        () -> RoutingReferrals.referral().fromGp("B86001").reason("35489007"),
        aResponse().withStatus(503).withHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS))),
    ANSWERS_429_RETRY_AFTER(
        "/mhst-leeds-west/fhir",
        () ->
            RoutingReferrals.referral()
                .fromSchool("999001")
                .reason("197480006")
                .withConsent(Consent.ConsentProvisionType.PERMIT, "8ZZ03"),
        aResponse().withStatus(429).withHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS))),
    ANSWERS_SLOWLY(
        "/camhs-eating-disorders/fhir/$process-message",
        () ->
            RoutingReferrals.referral()
                .pathway("eating-disorders")
                .reason("56882008")
                .reason("248062006"),
        aResponse()
            .withStatus(200)
            .withHeader("Content-Type", "application/fhir+json")
            .withBody("{\"resourceType\":\"Bundle\",\"type\":\"message\"}")
            .withFixedDelay(2_000));

    final String path;
    final Supplier<RoutingReferrals> referral;
    final ResponseDefinitionBuilder answer;

    Misbehaviour(
        String path, Supplier<RoutingReferrals> referral, ResponseDefinitionBuilder answer) {
      this.path = path;
      this.referral = referral;
      this.answer = answer;
    }

    String scenario() {
      return "partner-faults-" + name();
    }
  }

  private final Map<Misbehaviour, List<String>> accepted = new ConcurrentHashMap<>();
  private final List<Long> intakeMillis = Collections.synchronizedList(new ArrayList<>());
  private final List<String> refused = Collections.synchronizedList(new ArrayList<>());

  @Test
  void intakeKeepsAcceptingWhilePartnersFailAndEveryReferralIsDeliveredOnceAfter()
      throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "partner-faults-");
    var partners = PartnerNetwork.PARTNERS.server();
    List<StubMapping> faults = new ArrayList<>();
    for (Misbehaviour fault : Misbehaviour.values()) {
      accepted.put(fault, Collections.synchronizedList(new ArrayList<>()));
    }

    try (GatewayProcess gateway =
        GatewayProcess.start(root, root.resolve("gateway.log"), settings(database, root))) {
      GatewayClient client =
          new GatewayClient("http://localhost:" + gateway.port(), Duration.ofSeconds(60));
      // Warm up intake (first requests after start compile and cache) while partners are healthy.
      for (Misbehaviour fault : Misbehaviour.values()) {
        assertThat(client.post("/fhir", fault.referral.get().transaction()).statusCode())
            .isEqualTo(200);
      }
      for (Misbehaviour fault : Misbehaviour.values()) {
        faults.add(
            partners.stubFor(
                post(urlEqualTo(fault.path))
                    .atPriority(1)
                    .inScenario(fault.scenario())
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(fault.answer)));
        faults.add(
            partners.stubFor(
                post(urlEqualTo(fault.path))
                    .atPriority(1)
                    .inScenario(fault.scenario())
                    .whenScenarioStateIs(SCENARIO_RECOVERED)
                    .willReturn(recovered(fault))));
      }
      AtomicInteger sequence = new AtomicInteger();
      ExecutorService senders = Executors.newFixedThreadPool(4);
      ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
      // Open loop: a referral every 300 ms, to each misbehaving partner in turn.
      pace.scheduleAtFixedRate(
          () -> {
            Misbehaviour fault =
                Misbehaviour.values()[sequence.getAndIncrement() % Misbehaviour.values().length];
            senders.submit(() -> send(client, fault));
          },
          0,
          300,
          TimeUnit.MILLISECONDS);
      pause(FAULTS);
      pace.shutdown();
      assertThat(pace.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      senders.shutdown();
      assertThat(senders.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      for (Misbehaviour fault : Misbehaviour.values()) {
        partners.setScenarioState(fault.scenario(), SCENARIO_RECOVERED);
      }

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(2))
          .until(this::allDelivered);
      // Anything still in flight settles.
      pause(Duration.ofSeconds(3));

      printFigures();
      int sent = sequence.get();
      assertThat(refused).as("referrals intake refused").isEmpty();
      assertThat(intakeMillis).hasSize(sent);
      assertThat(intakeMillis).allMatch(ms -> ms < INTAKE_BOUND.toMillis());
      for (Misbehaviour fault : Misbehaviour.values()) {
        PartnerJournal journal = PartnerJournal.of(fault.path, accepted.get(fault));
        assertThat(accepted.get(fault)).as(fault + ": accepted").isNotEmpty();
        assertThat(journal.acceptancesByReferral())
            .as(fault + ": each accepted referral accepted by the partner exactly once")
            .hasSize(accepted.get(fault).size())
            .allSatisfy((referral, times) -> assertThat(times).isEqualTo(1));
        assertThat(journal.keysByReferral().values())
            .as(fault + ": one idempotency key per referral")
            .allMatch(keys -> keys.size() == 1);
        if (fault != Misbehaviour.ANSWERS_SLOWLY) {
          assertThat(journal.calls().size())
              .as(fault + ": failed calls before recovery")
              .isGreaterThan(accepted.get(fault).size());
        }
      }
      assertThat(retryAfterGaps(Misbehaviour.ANSWERS_503_RETRY_AFTER))
          .isNotEmpty()
          .allMatch(gap -> gap >= RETRY_AFTER_SECONDS * 1000L);
      assertThat(retryAfterGaps(Misbehaviour.ANSWERS_429_RETRY_AFTER))
          .isNotEmpty()
          .allMatch(gap -> gap >= RETRY_AFTER_SECONDS * 1000L);
      try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "")) {
        assertThat(count(sql, "select count(*) from GW_OUTBOX_EVENT where STATUS <> 'DONE'"))
            .isZero();
        assertThat(count(sql, "select count(*) from GW_DELIVERY where STATUS <> 'DELIVERED'"))
            .isZero();
      }
    } finally {
      faults.forEach(partners::removeStubMapping);
    }
  }

  /** What a healthy partner answers: a transaction-response, or a BaRS response message. */
  private static ResponseDefinitionBuilder recovered(Misbehaviour fault) {
    String body =
        fault.path.endsWith("$process-message")
            ? "{\"resourceType\":\"Bundle\",\"type\":\"message\"}"
            : "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\","
                + "\"entry\":[{\"response\":{\"status\":\"201 Created\","
                + "\"location\":\"ServiceRequest/partner-sr/_history/1\"}}]}";
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/fhir+json")
        .withBody(body);
  }

  private void send(GatewayClient client, Misbehaviour fault) {
    RoutingReferrals referral = fault.referral.get();
    long started = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = client.post("/fhir", referral.transaction());
    } catch (RuntimeException noAnswer) {
      refused.add(fault + ": no answer: " + noAnswer);
      return;
    }
    intakeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    if (response.statusCode() == 200) {
      accepted.get(fault).add(referral.identifier());
    } else {
      refused.add(fault + ": " + response.statusCode() + " " + response.body());
    }
  }

  private boolean allDelivered() {
    return accepted.entrySet().stream()
        .allMatch(
            e ->
                PartnerJournal.of(e.getKey().path, e.getValue()).acceptancesByReferral().size()
                    == e.getValue().size());
  }

  /**
   * For each call the partner refused with Retry-After, the time until the same referral's next
   * call (by arrival at the partner, one clock).
   */
  private List<Long> retryAfterGaps(Misbehaviour fault) {
    PartnerJournal journal = PartnerJournal.of(fault.path, accepted.get(fault));
    List<Long> gaps = new ArrayList<>();
    for (String referral : accepted.get(fault)) {
      List<PartnerJournal.Call> calls = journal.callsFor(referral);
      for (int i = 0; i + 1 < calls.size(); i++) {
        int status = calls.get(i).status();
        if (status == 503 || status == 429) {
          gaps.add(calls.get(i + 1).arrivedAtMillis() - calls.get(i).arrivedAtMillis());
        }
      }
    }
    return gaps;
  }

  private void printFigures() {
    List<Long> sorted;
    synchronized (intakeMillis) {
      sorted = intakeMillis.stream().sorted().toList();
    }
    StringBuilder table =
        new StringBuilder(
            String.format(
                "partner faults for %d s: intake latency p50 %d ms, max %d ms (bound %d ms)%n",
                FAULTS.toSeconds(),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1),
                INTAKE_BOUND.toMillis()));
    table.append(
        String.format(
            "  %-24s %5s %8s %9s %10s %4s %9s %14s%n",
            "partner",
            "sent",
            "accepted",
            "delivered",
            "duplicated",
            "lost",
            "attempts",
            "min gap RA(ms)"));
    int total = 0;
    int totalDelivered = 0;
    for (Misbehaviour fault : Misbehaviour.values()) {
      List<String> ids = accepted.get(fault);
      PartnerJournal journal = PartnerJournal.of(fault.path, ids);
      Map<String, Integer> acceptances = journal.acceptancesByReferral();
      Set<String> delivered = acceptances.keySet();
      long duplicated = acceptances.values().stream().filter(n -> n > 1).count();
      long lost = ids.stream().filter(id -> !delivered.contains(id)).count();
      List<Long> gaps =
          fault == Misbehaviour.ANSWERS_503_RETRY_AFTER
                  || fault == Misbehaviour.ANSWERS_429_RETRY_AFTER
              ? retryAfterGaps(fault)
              : List.of();
      total += ids.size();
      totalDelivered += delivered.size();
      table.append(
          String.format(
              "  %-24s %5d %8d %9d %10d %4d %9d %14s%n",
              fault,
              ids.size() + refusedFor(fault),
              ids.size(),
              delivered.size(),
              duplicated,
              lost,
              journal.calls().size(),
              gaps.isEmpty() ? "-" : gaps.stream().min(Long::compare).get()));
    }
    table.append(
        String.format(
            "  total: accepted %d, delivered %d, refused %d%n",
            total, totalDelivered, refused.size()));
    System.out.print(table);
    refused.stream().limit(5).forEach(r -> System.out.println("  refused: " + r));
  }

  private long refusedFor(Misbehaviour fault) {
    synchronized (refused) {
      return refused.stream().filter(r -> r.startsWith(fault + ":")).count();
    }
  }

  private static void pause(Duration time) {
    await().pollDelay(time).atMost(time.plusSeconds(5)).until(() -> true);
  }

  private static String[] settings(EmptyPostgresDatabase database, Path root) {
    return PartnerNetwork.onPostgres(
        database.jdbcUrl(),
        database.user(),
        root,
        "routes.outbox.poll-interval=100ms",
        "routes.delivery.poll-interval=500ms",
        "routes.delivery.response-timeout=" + PARTNER_TIMEOUT.toSeconds() + "s",
        "routes.delivery.redelivery-delay=200ms",
        "routes.delivery.max-redelivery-delay=1s",
        // Enough retries to outlast the faults; breaker waits do not count against them.
        "routes.delivery.max-redeliveries=50",
        "routes.delivery.breaker-failure-rate=50",
        "routes.delivery.breaker-open-for=2s",
        "routes.delivery.max-retry-after=30s");
  }

  private static long count(Connection sql, String query) throws Exception {
    try (ResultSet result = sql.createStatement().executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }
}
