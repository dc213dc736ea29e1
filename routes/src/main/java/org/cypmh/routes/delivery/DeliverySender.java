package org.cypmh.routes.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.api.ServiceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One attempt at one delivery: resolve the destination's endpoint now (so a directory fix applies
 * to the next retry), send, and record the outcome together with what follows it (the next
 * attempt's time, or a dead letter; {@link DeliverySchedule}). Nothing waits in memory: a retry is
 * a time in the delivery's row, taken by whichever node's poller finds it due.
 *
 * <p>The HTTP call is made outside any database transaction: holding a connection and row lock for
 * up to the partner's timeout would starve the pool under a partner outage. The row is not sent
 * twice because {@link Deliveries#startAttempt} counts the attempt under a row lock only for the
 * node whose lease it is (or when nobody's is), and the lease ({@code routes.delivery.lease})
 * outlasts a call (connect and response timeouts), so no other node claims the row mid-call.
 */
@Component
class DeliverySender {

  private static final Logger log = LoggerFactory.getLogger(DeliverySender.class);

  private final Deliveries deliveries;
  private final ServiceDirectory directory;
  private final PartnerClient client;
  private final Clock clock;
  private final DeliverySchedule schedule;
  private final UnrecordedAcceptances unrecorded;

  DeliverySender(
      Deliveries deliveries,
      ServiceDirectory directory,
      PartnerClient client,
      Clock clock,
      RoutesProperties properties,
      UnrecordedAcceptances unrecorded) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.client = client;
    this.clock = clock;
    RoutesProperties.Delivery settings = properties.delivery();
    this.schedule =
        new DeliverySchedule(
            new RedeliveryDelay(settings.redeliveryDelay(), settings.maxRedeliveryDelay()),
            settings.maxRedeliveries());
    this.unrecorded = unrecorded;
  }

  /**
   * Makes one attempt, unless the destination's circuit breaker is open: then nothing is sent or
   * counted, and the delivery is due again when the breaker lets a trial call through.
   */
  void attempt(Long deliveryId) {
    if (unrecorded.holds(deliveryId)) {
      // Sent and accepted already: record it, never send it again from here.
      unrecorded.recordAll(this::record);
      return;
    }
    Optional<Delivery> pending = deliveries.pending(deliveryId);
    if (pending.isEmpty()) {
      return;
    }
    PartnerEndpoint endpoint = endpointOf(pending.get());
    if (endpoint != null) {
      Optional<Duration> paused = client.reserve(endpoint);
      if (paused.isPresent()) {
        deliveries.postpone(deliveryId, schedule.whileBreakerOpen(paused.get(), clock.instant()));
        return;
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
      Acceptance acceptance = new Acceptance(address, response, start);
      try {
        record(deliveryId, acceptance);
      } catch (RuntimeException notRecorded) {
        unrecorded.keep(deliveryId, acceptance);
        log.warn(
            "Delivery {} was accepted but could not be recorded ({}); recorded when the database"
                + " is back",
            deliveryId,
            notRecorded.getClass().getSimpleName());
      }
      return;
    }
    Optional<Instant> next =
        response.retryable()
            ? schedule.afterFailedCall(
                delivery.attemptsInBudget(), response.askedToWait(), clock.instant())
            : Optional.empty();
    deliveries.failed(deliveryId, address, response, start, next);
  }

  /**
   * The gateway failed to make or record the attempt (database, storage): due again after a
   * backoff; if even that cannot be written, when this node's lease runs out.
   */
  void failedHere(Long deliveryId, RuntimeException cause) {
    log.warn(
        "Delivery {} failed in the gateway ({}); retried later",
        deliveryId,
        cause.getClass().getSimpleName());
    try {
      deliveries.postpone(deliveryId, schedule.afterOwnFailure(1, clock.instant()));
    } catch (RuntimeException stillFailing) {
      // The lease it holds runs out, then any node resumes it.
    }
  }

  /** Records the acceptances the database could not take when they came; see {@link #attempt}. */
  void recordKeptAcceptances() {
    unrecorded.recordAll(this::record);
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

  private void record(Long deliveryId, Acceptance acceptance) {
    deliveries.delivered(
        deliveryId, acceptance.address(), acceptance.response(), acceptance.started());
  }

  /** The partner's acceptance of an attempt, kept until it is recorded. */
  record Acceptance(String address, PartnerResponse response, Instant started) {}
}
