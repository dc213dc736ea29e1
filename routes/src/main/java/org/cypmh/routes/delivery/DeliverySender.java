package org.cypmh.routes.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.PartnerEndpoint;
import org.cypmh.routes.directory.PartnerEndpoint.Connection;
import org.cypmh.routes.directory.ServiceDirectory;
import org.springframework.stereotype.Component;

/**
 * One attempt at one delivery: resolve the destination's endpoint now (so a directory fix applies
 * to the next retry), send, record. A failure is thrown so that Camel's redelivery policy decides
 * when to try again.
 */
@Component
class DeliverySender {

  private final Deliveries deliveries;
  private final ServiceDirectory directory;
  private final PartnerClient client;
  private final Clock clock;

  DeliverySender(
      Deliveries deliveries, ServiceDirectory directory, PartnerClient client, Clock clock) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.client = client;
    this.clock = clock;
  }

  void attempt(Long deliveryId) {
    Optional<Delivery> started = deliveries.startAttempt(deliveryId);
    if (started.isEmpty()) {
      return;
    }
    Delivery delivery = started.get();
    Instant start = clock.instant();
    PartnerEndpoint endpoint =
        delivery.address() != null
            ? new PartnerEndpoint(
                delivery.service(),
                delivery.address(),
                Connection.FHIR_REST,
                delivery.credentials())
            : directory.byId(delivery.serviceId()).map(DirectoryService::endpoint).orElse(null);
    PartnerResponse response =
        endpoint == null
            ? PartnerResponse.noAnswer(
                "service " + delivery.serviceId() + " has no active endpoint in the directory")
            : client.send(delivery, endpoint);
    String address = endpoint == null ? null : endpoint.address();
    if (response.accepted()) {
      deliveries.delivered(deliveryId, address, response, start);
      return;
    }
    deliveries.failed(deliveryId, address, response, start);
    if (response.retryable()) {
      throw new PartnerUnavailable(response.summary());
    }
    throw new PartnerRefused(response.summary());
  }

  void exhausted(Long deliveryId, Exception last) {
    deliveries.dead(deliveryId, last == null ? "unknown failure" : last.getMessage());
  }

  /** No answer, or an answer that says try later. */
  static final class PartnerUnavailable extends RuntimeException {
    PartnerUnavailable(String summary) {
      super(summary, null, false, false);
    }
  }

  /** The partner refused the payload: retrying the same bytes will not help. */
  static final class PartnerRefused extends RuntimeException {
    PartnerRefused(String summary) {
      super(summary, null, false, false);
    }
  }
}
