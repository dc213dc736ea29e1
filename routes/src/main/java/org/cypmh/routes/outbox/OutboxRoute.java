package org.cypmh.routes.outbox;

import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.delivery.DeliveryQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Polls the outbox on every node; what one node claims, the others skip. New deliveries go straight
 * to this node's delivery queue.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class OutboxRoute extends RouteBuilder {

  private static final Logger log = LoggerFactory.getLogger(OutboxRoute.class);

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
    ExecutorService routingThreads =
        getContext()
            .getExecutorServiceManager()
            .newFixedThreadPool(this, "gateway-routing", settings.concurrency());
    from("scheduler:gateway-outbox?delay="
            + settings.pollInterval().toMillis()
            + "&initialDelay=1000")
        .routeId(ROUTE_ID)
        // Started once the application is ready: routing needs the seeded terminology and
        // directory.
        .autoStartup(false)
        // A failed poll (database down) is retried at the next poll; logged by class only, since
        // database messages can quote resource content.
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(
            e ->
                log.warn(
                    "Outbox poll failed: {}",
                    e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                        .getClass()
                        .getSimpleName()))
        .end()
        .process(e -> e.getMessage().setBody(dispatch.claimDue()))
        // Events are routed in parallel, each in its own transaction; most of the time goes to
        // waiting on the database and the text index, not the CPU.
        .split(body())
        .parallelProcessing()
        .executorService(routingThreads)
        .process(e -> e.getMessage().setBody(dispatch.route(e.getMessage().getBody(Long.class))))
        .split(body())
        .to(DeliveryQueue.QUEUE);
  }
}
