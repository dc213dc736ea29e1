package org.cypmh.routes.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.SynchronizationAdapter;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.delivery.DeliverySender.Acceptance;
import org.cypmh.routes.delivery.DeliverySender.AcceptanceNotRecorded;
import org.cypmh.routes.delivery.DeliverySender.PartnerPaused;
import org.cypmh.routes.delivery.DeliverySender.PartnerRefused;
import org.cypmh.routes.delivery.DeliverySender.PartnerUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The gateway's own delivery pipeline (not editable in route files): deliveries queued by routing
 * and those found due by the poller (retries of abandoned leases, replays) are sent with Camel's
 * redelivery; when retries run out, or the partner refuses, the delivery becomes a dead letter.
 *
 * <p>Each wait is ours ({@link RedeliveryDelay}, handed to Camel in its redelivery-delay header):
 * exponential backoff, or longer when the partner said {@code Retry-After}. So is the retry budget
 * ({@code routes.delivery.max-redeliveries}, counted in an exchange property): only calls that were
 * made count, not waits for an open circuit breaker, which Camel's own counter would include.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class DeliveryRoute extends RouteBuilder {

  private static final Logger log = LoggerFactory.getLogger(DeliveryRoute.class);

  private final RoutesProperties.Delivery settings;
  private final DeliverySender sender;
  private final Deliveries deliveries;
  private final RedeliveryDelay delay;
  private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

  /** Exchange property: attempts made so far in this exchange (calls and our own failures). */
  static final String TRIES = "gatewayDeliveryTries";

  /** Exchange property: a partner's acceptance waiting to be recorded. */
  static final String UNRECORDED = "gatewayDeliveryUnrecordedAcceptance";

  DeliveryRoute(RoutesProperties properties, DeliverySender sender, Deliveries deliveries) {
    this.settings = properties.delivery();
    this.sender = sender;
    this.deliveries = deliveries;
    this.delay = new RedeliveryDelay(settings.redeliveryDelay(), settings.maxRedeliveryDelay());
  }

  @Override
  public void configure() {
    from("scheduler:gateway-deliveries?delay="
            + settings.pollInterval().toMillis()
            + "&initialDelay="
            + settings.pollInterval().toMillis())
        .routeId("gateway-delivery-poller")
        .process(e -> e.getMessage().setBody(deliveries.claimDue(settings.concurrency() * 4)))
        .split(body())
        .to(DeliveryQueue.QUEUE);

    from(DeliveryQueue.QUEUE + "?concurrentConsumers=" + settings.concurrency() + "&size=100000")
        .routeId("gateway-deliver")
        .onException(PartnerRefused.class)
        .handled(true)
        .logExhausted(false)
        .process(this::deadLetter)
        .end()
        // A partner outage, and our own failures (database, storage), are retried the same way.
        // Then an outage is a dead letter, and our own failure is left to the lease. An open
        // breaker is waited out without limit (its partner is tried again when it half-opens).
        // Logged by class only: their messages can quote resource content.
        .onException(PartnerPaused.class, PartnerUnavailable.class, Exception.class)
        .maximumRedeliveries(-1)
        .retryWhile(this::withinBudget)
        .asyncDelayedRedelivery()
        .retryAttemptedLogLevel(LoggingLevel.OFF)
        .logExhausted(false)
        .handled(true)
        .process(this::exhausted)
        .end()
        .process(this::onlyOnce)
        .process(this::attempt);
  }

  /**
   * A delivery this node is already working on (waiting to retry, or to record an acceptance while
   * the database is away, when its lease could not be extended) is not started a second time when
   * the poller finds its lease run out.
   */
  private void onlyOnce(Exchange exchange) {
    Long deliveryId = exchange.getIn().getBody(Long.class);
    if (!inFlight.add(deliveryId)) {
      exchange.setRouteStop(true);
      return;
    }
    exchange
        .getExchangeExtension()
        .addOnCompletion(
            new SynchronizationAdapter() {
              @Override
              public void onDone(Exchange done) {
                inFlight.remove(deliveryId);
              }
            });
  }

  /** One attempt; on failure, tells Camel how long to wait before the next. */
  private void attempt(Exchange exchange) {
    Long deliveryId = exchange.getIn().getBody(Long.class);
    try {
      Acceptance unrecorded = exchange.getProperty(UNRECORDED, Acceptance.class);
      if (unrecorded != null) {
        sender.record(deliveryId, unrecorded);
        exchange.removeProperty(UNRECORDED);
      } else {
        sender.attempt(deliveryId);
      }
    } catch (AcceptanceNotRecorded notRecorded) {
      // Sent and accepted: never send it again from here, keep trying to record it.
      exchange.setProperty(UNRECORDED, notRecorded.acceptance());
      waitBeforeNext(exchange, delay.before(counted(exchange), Optional.empty()));
      throw notRecorded;
    } catch (PartnerPaused paused) {
      waitBeforeNext(exchange, paused.waitFor());
      throw paused;
    } catch (PartnerUnavailable unavailable) {
      int tries = counted(exchange);
      waitBeforeNext(exchange, delay.before(tries, unavailable.retryAfter()));
      throw unavailable;
    } catch (PartnerRefused refused) {
      throw refused;
    } catch (RuntimeException ours) {
      int tries = counted(exchange);
      waitBeforeNext(exchange, delay.before(tries, Optional.empty()));
      throw ours;
    }
  }

  private static int counted(Exchange exchange) {
    int tries = exchange.getProperty(TRIES, 0, Integer.class) + 1;
    exchange.setProperty(TRIES, tries);
    return tries;
  }

  private static void waitBeforeNext(Exchange exchange, Duration wait) {
    // Camel's redelivery takes this header over its own policy's delay.
    exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, wait.toMillis());
  }

  /** Retried while the attempts made stay within the budget; an open breaker is always waited. */
  private boolean withinBudget(Exchange exchange) {
    Object caught =
        exchange.getException() != null
            ? exchange.getException()
            : exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
    if (caught instanceof PartnerPaused || exchange.getProperty(UNRECORDED) != null) {
      // An acceptance waiting to be recorded is retried until the database takes it: sending it
      // again would give the partner a second copy (under the same idempotency key).
      return true;
    }
    return exchange.getProperty(TRIES, 0, Integer.class) <= settings.maxRedeliveries();
  }

  private void exhausted(Exchange exchange) {
    if (exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof PartnerUnavailable) {
      deadLetter(exchange);
    } else {
      leftToLease(exchange);
    }
  }

  private void deadLetter(Exchange exchange) {
    Long deliveryId = exchange.getMessage().getBody(Long.class);
    try {
      sender.exhausted(
          deliveryId, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    } catch (RuntimeException e) {
      log.warn(
          "Delivery {} could not be dead-lettered ({}); it is resumed when its lease ends",
          deliveryId,
          e.getClass().getSimpleName());
    }
  }

  private void leftToLease(Exchange exchange) {
    Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    log.warn(
        "Delivery {} failed in the gateway ({}); it is resumed when its lease ends",
        exchange.getMessage().getBody(Long.class),
        cause == null ? "unknown" : cause.getClass().getSimpleName());
  }
}
