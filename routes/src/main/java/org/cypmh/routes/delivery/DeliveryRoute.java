package org.cypmh.routes.delivery;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.cypmh.routes.api.RoutesProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The gateway's own delivery pipeline (not editable in route files): deliveries queued by routing
 * and those the poller finds due (scheduled retries, abandoned leases, replays, deliveries another
 * node handed back) are attempted once each ({@link DeliverySender}). There is no Camel redelivery:
 * the outcome of an attempt, including when the next one is due, is written to the delivery's row,
 * and whichever node's poller finds it due makes the next attempt.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class DeliveryRoute extends RouteBuilder {

  private static final Logger log = LoggerFactory.getLogger(DeliveryRoute.class);

  private final RoutesProperties.Delivery settings;
  private final DeliverySender sender;
  private final Deliveries deliveries;
  private final DeliveryShutdown shutdown;

  DeliveryRoute(
      RoutesProperties properties,
      DeliverySender sender,
      Deliveries deliveries,
      DeliveryShutdown shutdown) {
    this.settings = properties.delivery();
    this.sender = sender;
    this.deliveries = deliveries;
    this.shutdown = shutdown;
  }

  @Override
  public void configure() {
    from("scheduler:gateway-deliveries?delay="
            + settings.pollInterval().toMillis()
            + "&initialDelay="
            + settings.pollInterval().toMillis())
        .routeId("gateway-delivery-poller")
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(
            e ->
                log.warn(
                    "Delivery poll failed: {}",
                    e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                        .getClass()
                        .getSimpleName()))
        .end()
        .process(this::claim)
        .split(body())
        .to(DeliveryQueue.QUEUE);

    from(DeliveryQueue.QUEUE + "?concurrentConsumers=" + settings.concurrency() + "&size=100000")
        .routeId("gateway-deliver")
        .process(this::attempt);
  }

  private void claim(Exchange exchange) {
    // Acceptances waiting to be recorded go first: once recorded, nobody claims them again.
    sender.recordKeptAcceptances();
    exchange
        .getMessage()
        .setBody(
            shutdown.accepting() ? deliveries.claimDue(settings.concurrency() * 4) : List.of());
  }

  private void attempt(Exchange exchange) {
    Long deliveryId = exchange.getIn().getBody(Long.class);
    if (!shutdown.enter(deliveryId)) {
      try {
        deliveries.handBack(deliveryId);
      } catch (RuntimeException e) {
        // Its lease runs out instead.
      }
      return;
    }
    try {
      sender.attempt(deliveryId);
    } catch (RuntimeException ours) {
      // Logged by class only: messages can quote resource content.
      sender.failedHere(deliveryId, ours);
    } finally {
      shutdown.leave(deliveryId);
    }
  }
}
