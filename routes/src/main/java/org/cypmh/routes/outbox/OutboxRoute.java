package org.cypmh.routes.outbox;

import org.apache.camel.builder.RouteBuilder;
import org.cypmh.routes.RoutesProperties;
import org.cypmh.routes.delivery.DeliveryQueue;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Polls the outbox on every node; what one node claims, the others skip. New deliveries go straight
 * to this node's delivery queue.
 */
@Component
class OutboxRoute extends RouteBuilder {

  static final String ROUTE_ID = "gateway-outbox-poller";

  private final RoutesProperties.Outbox settings;
  private final OutboxDispatch dispatch;

  OutboxRoute(RoutesProperties properties, OutboxDispatch dispatch) {
    this.settings = properties.outbox();
    this.dispatch = dispatch;
  }

  @EventListener(ApplicationReadyEvent.class)
  void startWhenReady() throws Exception {
    getContext().getRouteController().startRoute(ROUTE_ID);
  }

  @Override
  public void configure() {
    from("scheduler:gateway-outbox?delay="
            + settings.pollInterval().toMillis()
            + "&initialDelay=1000")
        .routeId(ROUTE_ID)
        // Started once the application is ready: routing needs the seeded terminology and
        // directory.
        .autoStartup(false)
        .process(e -> e.getMessage().setBody(dispatch.dispatchDue()))
        .split(body())
        .to(DeliveryQueue.QUEUE);
  }
}
