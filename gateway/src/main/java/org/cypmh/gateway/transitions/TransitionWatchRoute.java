package org.cypmh.gateway.transitions;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the transition watch every {@code routes.transitions.watch-interval}, on one node per
 * interval ({@link TransitionWatchLease}).
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class TransitionWatchRoute extends RouteBuilder {

  static final String ROUTE_ID = "gateway-transition-watch";
  private static final Logger log = LoggerFactory.getLogger(TransitionWatchRoute.class);

  private final TransitionWatchLease watch;
  private final TransitionProperties settings;
  private final TransitionMetrics metrics;

  TransitionWatchRoute(
      TransitionWatchLease watch, TransitionProperties settings, TransitionMetrics metrics) {
    this.watch = watch;
    this.settings = settings;
    this.metrics = metrics;
  }

  @EventListener(ApplicationReadyEvent.class)
  void startWhenReady() throws Exception {
    getContext().getRouteController().startRoute(ROUTE_ID);
  }

  @Override
  public void configure() {
    from("scheduler:gateway-transition-watch?delay="
            + settings.watchInterval().toMillis()
            // A minute after start, or one interval if shorter (tests run it every few seconds).
            + "&initialDelay="
            + Math.min(60_000, settings.watchInterval().toMillis()))
        .routeId(ROUTE_ID)
        // Started once the application is ready: the watch reads the seeded directory.
        .autoStartup(false)
        // A failed run is tried again at the next interval; logged by class only.
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(
            e ->
                log.warn(
                    "Transition watch failed: {}",
                    e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)
                        .getClass()
                        .getSimpleName()))
        .end()
        .process(
            e ->
                watch
                    .runOnSchedule()
                    .ifPresent(
                        outcome -> {
                          metrics.ran(outcome);
                          log.info(
                              "Transition watch: {} due, {} overdue, {} Task(s) created, {}"
                                  + " flagged overdue",
                              outcome.due(),
                              outcome.overdue(),
                              outcome.created(),
                              outcome.flaggedOverdue());
                        }));
  }
}
