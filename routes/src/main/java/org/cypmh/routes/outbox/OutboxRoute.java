package org.cypmh.routes.outbox;

import java.util.ArrayList;
import java.util.List;
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
        .process(e -> e.getMessage().setBody(batches(dispatch.claimDue(), settings.concurrency())))
        // One batch per routing thread, each batch in one transaction (OutboxDispatch#route).
        .split(body())
        .parallelProcessing()
        .executorService(routingThreads)
        .process(e -> e.getMessage().setBody(dispatch.route(ids(e.getMessage().getBody()))))
        .split(body())
        .to(DeliveryQueue.QUEUE);
  }

  /** The claimed events in at most {@code threads} runs of consecutive ids, as even as they go. */
  static List<List<Long>> batches(List<Long> claimed, int threads) {
    int size = Math.max(1, (claimed.size() + threads - 1) / threads);
    List<List<Long>> batches = new ArrayList<>();
    for (int from = 0; from < claimed.size(); from += size) {
      batches.add(List.copyOf(claimed.subList(from, Math.min(claimed.size(), from + size))));
    }
    return batches;
  }

  @SuppressWarnings("unchecked")
  private static List<Long> ids(Object batch) {
    return (List<Long>) batch;
  }
}
