package org.cypmh.routes.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a delivery's next attempt is due, decided from the outcome of the last one; the answer is
 * written to the delivery's row ({@code NEXT_ATTEMPT_AT}), where any node finds it.
 *
 * @param delay the backoff, and how a partner's {@code Retry-After} lengthens it
 * @param maxRedeliveries calls that may fail after the first before the delivery is a dead letter
 */
record DeliverySchedule(RedeliveryDelay delay, int maxRedeliveries) {

  /**
   * After a call that failed in a way worth retrying (no answer, 408, 429, 5xx): when to call
   * again, or empty when the budget is spent and the delivery is a dead letter.
   *
   * @param calls calls made within the delivery's budget, this one included
   * @param retryAfter what the partner asked for, if it did
   */
  Optional<Instant> afterFailedCall(int calls, Optional<Duration> retryAfter, Instant now) {
    if (calls > maxRedeliveries) {
      return Optional.empty();
    }
    return Optional.of(now.plus(delay.before(calls, retryAfter)));
  }

  /**
   * The partner's circuit breaker is open: nothing was called, so no budget is spent; the next
   * attempt is due when the breaker lets a trial call through.
   */
  Instant whileBreakerOpen(Duration untilHalfOpen, Instant now) {
    return now.plus(untilHalfOpen);
  }

  /**
   * The gateway itself failed (database, storage) before the partner answered: tried again after
   * the backoff of the calls made so far, however many; our failures spend no budget.
   */
  Instant afterOwnFailure(int calls, Instant now) {
    return now.plus(delay.before(Math.max(1, calls), Optional.empty()));
  }
}
