package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.Test;

/**
 * A gateway killed while it is retrying a delivery: the delivery is durable, so the restarted
 * gateway (its lease on the delivery having run out) resumes it, and the partner gets the referral
 * accepted exactly once.
 */
class DeliverySurvivesRestartTest {

  @Test
  void aDeliveryInterruptedMidRetriesIsDeliveredOnceAfterRestart() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
    Path log = dataDir.resolve("gateway.log");
    String[] settings =
        PartnerNetwork.processSettings(
            "routes.outbox.poll-interval=100ms",
            "routes.delivery.poll-interval=300ms",
            "routes.delivery.max-redeliveries=50",
            "routes.delivery.redelivery-delay=300ms",
            "routes.delivery.max-redelivery-delay=300ms",
            // The lease outlasts one call (connect + response timeout), as the gateway requires.
            "routes.delivery.connect-timeout=1s",
            "routes.delivery.response-timeout=3s",
            "routes.delivery.lease=5s",
            "routes.delivery.breaker-failure-rate=100");
    RoutingReferrals referral = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
    var partner = PartnerNetwork.PARTNERS.server();
    var outage =
        partner.stubFor(
            post(urlEqualTo("/camhs-crisis/fhir"))
                .withRequestBody(containing(referral.identifier()))
                .atPriority(1)
                .willReturn(aResponse().withStatus(503)));

    try (GatewayProcess first = GatewayProcess.start(dataDir, log, settings)) {
      var response = new GatewayClient(first.port()).post("/fhir", referral.transaction());
      assertThat(response.statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> requestsFor(referral) >= 2);
      first.kill();
    }
    int beforeRestart = requestsFor(referral);
    partner.removeStubMapping(outage);

    try (GatewayProcess second = GatewayProcess.start(dataDir, log, settings)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> acceptedFor(referral) == 1);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(() -> acceptedFor(referral) == 1);
      assertThat(requestsFor(referral)).isGreaterThan(beforeRestart);
      // Routing and delivery (every Camel thread) yield the CPU to partners' requests (issue 25).
      Map<String, Set<Integer>> nice = second.niceValuesByThreadName();
      assertThat(nice).containsEntry("Camel (camel-1)", Set.of(4));
      assertThat(nice).containsEntry("audit-sealer", Set.of(4));
      assertThat(nice).containsEntry("h2-compaction", Set.of(4));
      assertThat(nice.entrySet())
          .filteredOn(thread -> thread.getKey().startsWith("http-nio-"))
          .isNotEmpty()
          .allSatisfy(thread -> assertThat(thread.getValue()).containsExactly(0));
      String deliveries =
          new GatewayClient(second.port())
              .get(
                  "/fhir/ServiceRequest?identifier=https://referrer.example.org/referrals%7C"
                      + referral.identifier())
              .body();
      assertThat(deliveries).contains("\"total\":1");
    }
  }

  private static int requestsFor(RoutingReferrals referral) {
    return RoutingBehaviour.partnerRequestsFor(referral).size();
  }

  private static long acceptedFor(RoutingReferrals referral) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getBodyAsString().contains(referral.identifier()))
        .map(ServeEvent::getResponse)
        .filter(r -> r.getStatus() == 200)
        .count();
  }
}
