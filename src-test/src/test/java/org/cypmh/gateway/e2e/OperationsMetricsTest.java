package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The gateway's domain metrics move with what happens: a referral to the crisis team that fails
 * once and is then accepted, and a youth justice referral the partner refuses (a dead letter at
 * once), change exactly the counters of those partners and outcomes, read from {@code
 * /actuator/prometheus}; the backlog and dead-letter gauges agree with the delivery ledger.
 */
@EmbeddedGateway
class OperationsMetricsTest extends RoutingBehaviourSupport {

  static final String CRISIS = "camhs-crisis";
  static final String YOUTH_TEAM = "camhs-young-peoples-team";

  @Autowired DataSource dataSource;

  @Test
  void aFailedThenAcceptedDeliveryAndARefusedOneMoveExactlyTheirPartnersCounters() {
    Instant started = Instant.now();
    PrometheusScrape before = PrometheusScrape.read(gateway);

    Deliveries done = deliverOneAndDeadLetterOne(this);

    PrometheusScrape after =
        await()
            .atMost(DELIVERY)
            .until(
                () -> PrometheusScrape.read(gateway),
                s ->
                    delta(before, s, "gateway_deliveries_total", YOUTH_TEAM, "dead-lettered") == 1
                        && delta(before, s, "gateway_deliveries_total", CRISIS, "delivered") == 1);
    assertThat(delta(before, after, "gateway_delivery_attempts_total", CRISIS, "failed"))
        .isEqualTo(1);
    assertThat(delta(before, after, "gateway_delivery_attempts_total", CRISIS, "accepted"))
        .isEqualTo(1);
    assertThat(delta(before, after, "gateway_delivery_attempts_total", CRISIS, "refused")).isZero();
    assertThat(delta(before, after, "gateway_deliveries_total", CRISIS, "dead-lettered")).isZero();
    assertThat(delta(before, after, "gateway_delivery_attempts_total", YOUTH_TEAM, "refused"))
        .isEqualTo(1);
    assertThat(delta(before, after, "gateway_delivery_attempts_total", YOUTH_TEAM, "accepted"))
        .isZero();
    assertThat(delta(before, after, "gateway_deliveries_total", YOUTH_TEAM, "delivered")).isZero();
    // Where the routes sent each, by pathway (the route id) and partner.
    assertThat(
            routed(after, done.crisisRoute(), CRISIS) - routed(before, done.crisisRoute(), CRISIS))
        .isEqualTo(1);
    assertThat(
            routed(after, done.youthRoute(), YOUTH_TEAM)
                - routed(before, done.youthRoute(), YOUTH_TEAM))
        .isEqualTo(1);
    // Both referrals came from the test client, which calls as the operator.
    assertThat(
            after.value(
                    "gateway_referrals_received_total",
                    "partner",
                    "operator",
                    "outcome",
                    "accepted")
                - before.value(
                    "gateway_referrals_received_total",
                    "partner",
                    "operator",
                    "outcome",
                    "accepted"))
        .isEqualTo(2);
    assertThat(after.value("gateway_delivery_last_success_seconds", "partner", CRISIS))
        .isGreaterThanOrEqualTo(started.getEpochSecond());
    // resilience4j's breaker metrics, one series per state, tagged with the partner's Endpoint.
    assertThat(after.matching("gateway_partner_breaker_state", "state", "closed"))
        .anySatisfy(
            s -> {
              assertThat(s.labels().get("name")).contains(CRISIS);
              assertThat(s.value()).isEqualTo(1);
            });
  }

  @Test
  void backlogAndDeadLetterGaugesAgreeWithTheDeliveryLedger() {
    deliverOneAndDeadLetterOne(this);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    // The single point of access asks the gateway to come back in 15 s: the delivery waits.
    RoutingReferrals waiting = RoutingReferrals.referral().fromGp("B86001").reason("35489007");
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(
            post(urlEqualTo("/camhs-spa/fhir"))
                .withRequestBody(containing(waiting.identifier()))
                .atPriority(1)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "15")));
    Accepted accepted = accept(waiting);
    await().atMost(DELIVERY).until(() -> "1".equals(delivery(accepted).get("attempts")));

    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              PrometheusScrape scrape = PrometheusScrape.read(gateway);
              assertThat(scrape.value("gateway_delivery_backlog"))
                  .isGreaterThanOrEqualTo(1)
                  .isEqualTo(count(jdbc, "PENDING"));
              assertThat(scrape.value("gateway_delivery_backlog_oldest_age_seconds")).isPositive();
            });
    removeStubsFor(waiting);
    await()
        .atMost(Duration.ofMinutes(1))
        .until(() -> "DELIVERED".equals(delivery(accepted).get("status")));

    // The gauges are read from the ledger at most every few seconds: they catch up.
    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              PrometheusScrape scrape = PrometheusScrape.read(gateway);
              assertThat(scrape.value("gateway_delivery_dead_letters"))
                  .isEqualTo(count(jdbc, "DEAD"))
                  .isGreaterThanOrEqualTo(1);
              assertThat(scrape.value("gateway_delivery_backlog"))
                  .isEqualTo(count(jdbc, "PENDING"));
              assertThat(scrape.value("gateway_consent_holds")).isEqualTo(count(jdbc, "WITHHELD"));
              assertThat(scrape.value("gateway_outbox_backlog"))
                  .isEqualTo(
                      jdbc.queryForObject(
                          "select count(*) from GW_OUTBOX_EVENT where STATUS = 'PENDING'",
                          Double.class));
            });
  }

  /** What the two referrals' deliveries went through: the route that sent each. */
  record Deliveries(String crisisRoute, String youthRoute) {}

  /**
   * An urgent referral whose crisis team answers 500 once, then accepts; a youth justice referral
   * whose team refuses it (422). Returns once the first is delivered and the second dead.
   */
  static Deliveries deliverOneAndDeadLetterOne(RoutingBehaviourSupport test) {
    RoutingReferrals urgent = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
    failThenRecover(urgent, "/" + CRISIS + "/fhir", 500, 1);
    RoutingReferrals youth =
        RoutingReferrals.referral().pathway("youth-justice").fromYouthJusticeService();
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(
            post(urlEqualTo("/" + YOUTH_TEAM + "/fhir"))
                .withRequestBody(containing(youth.identifier()))
                .atPriority(1)
                .willReturn(aResponse().withStatus(422)));
    Accepted delivered = test.accept(urgent);
    Accepted refused = test.accept(youth);
    await()
        .atMost(DELIVERY)
        .until(
            () ->
                "DELIVERED".equals(test.delivery(delivered).get("status"))
                    && "DEAD".equals(test.delivery(refused).get("status")));
    Map<String, String> crisis = test.delivery(delivered);
    assertThat(crisis).containsEntry("attempts", "2");
    return new Deliveries(crisis.get("route"), test.delivery(refused).get("route"));
  }

  private static double delta(
      PrometheusScrape before,
      PrometheusScrape after,
      String name,
      String partner,
      String outcome) {
    return after.value(name, "partner", partner, "kind", "referral", "outcome", outcome)
        - before.value(name, "partner", partner, "kind", "referral", "outcome", outcome);
  }

  private static double routed(PrometheusScrape scrape, String pathway, String partner) {
    return scrape.value(
        "gateway_referrals_routed_total",
        "pathway",
        pathway,
        "partner",
        partner,
        "outcome",
        "routed");
  }

  private static double count(JdbcTemplate jdbc, String status) {
    return jdbc.queryForObject(
        "select count(*) from GW_DELIVERY where STATUS = ?", Double.class, status);
  }
}
