package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutesProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A partner that stops answering: after enough failed calls its endpoint's breaker opens and the
 * gateway stops calling it, while another endpoint is still called.
 */
class PartnerCircuitBreakerTest {

  private CamelContext camel;
  private PartnerClient client;

  @BeforeEach
  void start() {
    camel = new DefaultCamelContext();
    camel.start();
    RoutesProperties properties =
        new RoutesProperties(
            true,
            null,
            new RoutesProperties.Outbox(
                Duration.ofSeconds(1), 20, 2, Duration.ofMinutes(1), Duration.ofSeconds(30)),
            new RoutesProperties.Delivery(
                Duration.ofSeconds(1),
                2,
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                0,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofMinutes(1),
                50,
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                Duration.ofSeconds(20)),
            Map.of());
    client =
        new PartnerClient(
            camel,
            camel.createProducerTemplate(),
            FhirContext.forR4Cached(),
            properties,
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    camel.stop();
  }

  @Test
  void aPartnerThatKeepsFailingIsNoLongerCalledWhileOthersAre() throws IOException {
    PartnerEndpoint down = endpoint("Endpoint/down", closedPort());
    PartnerEndpoint other = endpoint("Endpoint/other", closedPort());

    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      outcomes.add(call(down));
    }
    String otherOutcome = call(other);

    assertThat(outcomes.subList(0, 5)).allMatch(o -> o.startsWith("no answer from Endpoint/down"));
    // Open for 5 minutes: the caller is told to wait about that long, and nothing is sent.
    assertThat(outcomes.subList(5, 7)).allMatch(o -> o.startsWith("wait PT4M5"));
    assertThat(otherOutcome).startsWith("no answer from Endpoint/other");
  }

  @Test
  void aReservedCallThatIsNotMadeIsGivenBack() throws IOException {
    PartnerEndpoint endpoint = endpoint("Endpoint/released", closedPort());
    for (int i = 0; i < 20; i++) {
      assertThat(client.reserve(endpoint)).isEmpty();
      client.release(endpoint);
    }
  }

  /** One reserved call, or how long the breaker says to wait. */
  private String call(PartnerEndpoint endpoint) {
    return client
        .reserve(endpoint)
        .map(wait -> "wait " + wait)
        .orElseGet(() -> client.send(delivery(), endpoint).summary());
  }

  private static PartnerEndpoint endpoint(String id, int port) {
    return new PartnerEndpoint(
        id, "http://127.0.0.1:" + port + "/fhir", Connection.FHIR_REST, null);
  }

  private static Delivery delivery() {
    return TestDeliveries.permittedReferral("crisis", "camhs-crisis");
  }

  /** A local port nothing listens on: connections are refused at once. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
