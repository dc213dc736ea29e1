package org.cypmh.gateway.transitions;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The transition watch's metrics, from its last run on this node: {@value #DUE} (young people due
 * for transition planning), {@value #OVERDUE} (18 and still in CAMHS) and the counter {@value
 * #TASKS_OPENED} (transition Tasks this node opened).
 */
@Component
class TransitionMetrics {

  static final String DUE = "gateway.transitions.due";
  static final String OVERDUE = "gateway.transitions.overdue";
  static final String TASKS_OPENED = "gateway.transitions.tasks.opened";

  private final MeterRegistry meters;
  private final AtomicReference<TransitionWatch.Outcome> last =
      new AtomicReference<>(new TransitionWatch.Outcome(0, 0, 0, 0));

  TransitionMetrics(MeterRegistry meters) {
    this.meters = meters;
    Gauge.builder(DUE, last, l -> l.get().due())
        .description("Young people due for transition planning, at the watch's last run")
        .register(meters);
    Gauge.builder(OVERDUE, last, l -> l.get().overdue())
        .description("Young people 18 or over still open in CAMHS, at the watch's last run")
        .register(meters);
    meters.counter(TASKS_OPENED);
  }

  void ran(TransitionWatch.Outcome outcome) {
    last.set(outcome);
    meters.counter(TASKS_OPENED).increment(outcome.created());
  }
}
