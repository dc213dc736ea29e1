package org.cypmh.routes.delivery;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.cypmh.routes.RoutesProperties;
import org.cypmh.routes.delivery.DeliverySender.PartnerRefused;
import org.cypmh.routes.delivery.DeliverySender.PartnerUnavailable;
import org.springframework.stereotype.Component;

/**
 * The gateway's own delivery pipeline (not editable in route files): deliveries queued by routing
 * and those found due by the poller (retries of abandoned leases, replays) are sent with Camel's
 * redelivery (exponential backoff); when retries run out, or the partner refuses, the delivery
 * becomes a dead letter.
 */
@Component
class DeliveryRoute extends RouteBuilder {

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
        .onException(PartnerUnavailable.class)
        .maximumRedeliveries(settings.maxRedeliveries())
        .redeliveryDelay(settings.redeliveryDelay().toMillis())
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .maximumRedeliveryDelay(settings.maxRedeliveryDelay().toMillis())
        .asyncDelayedRedelivery()
        .retryAttemptedLogLevel(LoggingLevel.DEBUG)
        .retriesExhaustedLogLevel(LoggingLevel.WARN)
        .logExhaustedMessageBody(false)
        .logExhaustedMessageHistory(false)
        .handled(true)
        .process(this::deadLetter)
        .end()
        .onException(PartnerRefused.class)
        .handled(true)
        .logExhaustedMessageBody(false)
        .process(this::deadLetter)
        .end()
        .process(e -> sender.attempt(e.getMessage().getBody(Long.class)));
  }

  private void deadLetter(Exchange exchange) {
    sender.exhausted(
        exchange.getMessage().getBody(Long.class),
        exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
  }
}
