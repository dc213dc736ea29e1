package org.cypmh.routes.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.ServiceDirectory;
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

  /**
   * Makes one attempt, unless the destination's circuit breaker is open: then nothing is sent or
   * counted, and {@link PartnerPaused} says how long to wait.
   */
  void attempt(Long deliveryId) {
    Optional<Delivery> pending = deliveries.pending(deliveryId);
    if (pending.isEmpty()) {
      return;
    }
    PartnerEndpoint endpoint = endpointOf(pending.get());
    if (endpoint != null) {
      Optional<Duration> paused = client.reserve(endpoint);
      if (paused.isPresent()) {
        // The wait may be long: keep this node's claim on the delivery meanwhile.
        deliveries.extendLease(deliveryId);
        throw new PartnerPaused(endpoint.resourceId(), paused.get());
      }
    }
    Optional<Delivery> started;
    try {
      started = deliveries.startAttempt(deliveryId);
    } catch (RuntimeException e) {
      release(endpoint);
      throw e;
    }
    if (started.isEmpty()) {
      release(endpoint);
      return;
    }
    Delivery delivery = started.get();
    Instant start = clock.instant();
    PartnerResponse response =
        endpoint == null
            ? PartnerResponse.noAnswer(
                "service " + delivery.serviceId() + " has no active endpoint in the directory")
            : client.send(delivery, endpoint);
    String address = endpoint == null ? null : endpoint.address();
    if (response.accepted()) {
      try {
        deliveries.delivered(deliveryId, address, response, start);
      } catch (RuntimeException unrecorded) {
        throw new AcceptanceNotRecorded(new Acceptance(address, response, start), unrecorded);
      }
      return;
    }
    deliveries.failed(deliveryId, address, response, start);
    if (response.retryable()) {
      throw new PartnerUnavailable(response.summary(), response.askedToWait());
    }
    throw new PartnerRefused(response.summary());
  }

  private PartnerEndpoint endpointOf(Delivery delivery) {
    return delivery.address() != null
        ? new PartnerEndpoint(
            delivery.service(), delivery.address(), Connection.FHIR_REST, delivery.credentials())
        : directory.byId(delivery.serviceId()).map(DirectoryService::endpoint).orElse(null);
  }

  private void release(PartnerEndpoint endpoint) {
    if (endpoint != null) {
      client.release(endpoint);
    }
  }

  /**
   * Records an acceptance that could not be recorded when it came (the database was unreachable),
   * instead of sending the payload again.
   */
  void record(Long deliveryId, Acceptance acceptance) {
    deliveries.delivered(
        deliveryId, acceptance.address(), acceptance.response(), acceptance.started());
  }

  void exhausted(Long deliveryId, Exception last) {
    deliveries.dead(deliveryId, last == null ? "unknown failure" : last.getMessage());
  }

  /** No answer, or an answer that says try later (perhaps when: {@code Retry-After}). */
  static final class PartnerUnavailable extends RuntimeException {
    private final transient Optional<Duration> retryAfter;

    PartnerUnavailable(String summary, Optional<Duration> retryAfter) {
      super(summary, null, false, false);
      this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
      return retryAfter;
    }
  }

  /** The partner's acceptance of an attempt, kept until it is recorded. */
  record Acceptance(String address, PartnerResponse response, Instant started) {}

  /** The partner accepted, but recording it failed: record it later, do not send again. */
  static final class AcceptanceNotRecorded extends RuntimeException {
    private final transient Acceptance acceptance;

    AcceptanceNotRecorded(Acceptance acceptance, RuntimeException cause) {
      super("partner accepted; not recorded yet", cause, false, false);
      this.acceptance = acceptance;
    }

    Acceptance acceptance() {
      return acceptance;
    }
  }

  /** Not attempted: the partner's circuit breaker is open. Not a failure of the delivery. */
  static final class PartnerPaused extends RuntimeException {
    private final transient Duration wait;

    PartnerPaused(String endpoint, Duration wait) {
      super("circuit breaker open for " + endpoint + ": not called", null, false, false);
      this.wait = wait;
    }

    Duration waitFor() {
      return wait;
    }
  }

  /** The partner refused the payload: retrying the same bytes will not help. */
  static final class PartnerRefused extends RuntimeException {
    PartnerRefused(String summary) {
      super(summary, null, false, false);
    }
  }
}
