package org.cypmh.gateway.transitions;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Runs the transition watch on every node, every {@code routes.transitions.watch-interval}. */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class TransitionWatchRoute extends RouteBuilder {

  static final String ROUTE_ID = "gateway-transition-watch";
  private static final Logger log = LoggerFactory.getLogger(TransitionWatchRoute.class);

  private final TransitionWatch watch;
  private final TransitionProperties settings;

  TransitionWatchRoute(TransitionWatch watch, TransitionProperties settings) {
    this.watch = watch;
    this.settings = settings;
  }

  @EventListener(ApplicationReadyEvent.class)
  void startWhenReady() throws Exception {
    getContext().getRouteController().startRoute(ROUTE_ID);
  }

  @Override
  public void configure() {
    from("scheduler:gateway-transition-watch?delay="
            + settings.watchInterval().toMillis()
            + "&initialDelay=60000")
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
            e -> {
              TransitionWatch.Outcome outcome = watch.run();
              log.info(
                  "Transition watch: {} due, {} overdue, {} Task(s) created, {} flagged overdue",
                  outcome.due(),
                  outcome.overdue(),
                  outcome.created(),
                  outcome.flaggedOverdue());
            });
  }
}
