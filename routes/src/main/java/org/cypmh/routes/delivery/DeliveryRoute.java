package org.cypmh.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.cypmh.routes.RoutesProperties;
import org.cypmh.routes.delivery.DeliverySender.PartnerRefused;
import org.cypmh.routes.delivery.DeliverySender.PartnerUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The gateway's own delivery pipeline (not editable in route files): deliveries queued by routing
 * and those found due by the poller (retries of abandoned leases, replays) are sent with Camel's
 * redelivery (exponential backoff); when retries run out, or the partner refuses, the delivery
 * becomes a dead letter.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class DeliveryRoute extends RouteBuilder {

  private static final Logger log = LoggerFactory.getLogger(DeliveryRoute.class);

  private final RoutesProperties.Delivery settings;
  private final DeliverySender sender;
  private final Deliveries deliveries;

  DeliveryRoute(RoutesProperties properties, DeliverySender sender, Deliveries deliveries) {
    this.settings = properties.delivery();
    this.sender = sender;
    this.deliveries = deliveries;
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
        // Then an outage is a dead letter, and our own failure is left to the lease. Logged by
        // class only: their messages can quote resource content.
        .onException(PartnerUnavailable.class, Exception.class)
        .maximumRedeliveries(settings.maxRedeliveries())
        .redeliveryDelay(settings.redeliveryDelay().toMillis())
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .maximumRedeliveryDelay(settings.maxRedeliveryDelay().toMillis())
        .asyncDelayedRedelivery()
        .retryAttemptedLogLevel(LoggingLevel.OFF)
        .logExhausted(false)
        .handled(true)
        .process(this::exhausted)
        .end()
        .process(e -> sender.attempt(e.getMessage().getBody(Long.class)));
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
