package org.cypmh.routes.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cypmh.routes.api.RoutesProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * A node that is stopped (SIGTERM, context close) stops claiming deliveries, lets the attempts it
 * has started finish (up to {@code routes.delivery.shutdown-timeout}), and hands back everything
 * else it holds, due at once, so another node takes it over without waiting for the lease to run
 * out.
 *
 * <p>It acts on {@link ContextClosedEvent}, which Spring publishes before it stops anything: the
 * web server, Camel and the database are all still there while deliveries are handed back.
 */
@Component
class DeliveryShutdown implements ApplicationListener<ContextClosedEvent>, Ordered {

  private static final Logger log = LoggerFactory.getLogger(DeliveryShutdown.class);

  private final Deliveries deliveries;
  private final Duration timeout;
  private final Set<Long> sending = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  DeliveryShutdown(Deliveries deliveries, RoutesProperties properties) {
    this.deliveries = deliveries;
    this.timeout = properties.delivery().shutdownTimeout();
  }

  /** Whether this node still takes on new work (claims, attempts). */
  boolean accepting() {
    return !stopping;
  }

  /**
   * Marks the start of an attempt; false when the node is stopping, and the delivery must be handed
   * back instead.
   */
  boolean enter(Long deliveryId) {
    sending.add(deliveryId);
    // Added before the check: either the stop sees this attempt and waits for it, or this sees the
    // stop and backs off.
    if (stopping) {
      sending.remove(deliveryId);
      return false;
    }
    return true;
  }

  void leave(Long deliveryId) {
    sending.remove(deliveryId);
  }

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    stopping = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!sending.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Long> unfinished = List.copyOf(sending);
    try {
      int handedBack = deliveries.handBackAll(unfinished);
      log.info(
          "Stopping: {} deliveries handed back to other nodes, {} attempts unfinished after {}"
              + " (left to their lease)",
          handedBack,
          unfinished.size(),
          timeout);
    } catch (RuntimeException e) {
      log.warn(
          "Stopping: deliveries not handed back ({}); other nodes resume them when their lease"
              + " runs out",
          e.getClass().getSimpleName());
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
