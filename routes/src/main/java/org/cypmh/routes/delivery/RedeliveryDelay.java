package org.cypmh.routes.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * How long to wait before trying a delivery again: the retry's place in the exponential backoff
 * ({@code routes.delivery.redelivery-delay}, doubled each retry up to {@code
 * max-redelivery-delay}), or longer if the partner said when to come back ({@code Retry-After},
 * already capped by {@code routes.delivery.max-retry-after}).
 */
record RedeliveryDelay(Duration first, Duration max) {

  /**
   * @param retry which retry this wait precedes: 1 for the first retry after the first attempt
   * @param retryAfter what the partner asked for, if it did
   */
  Duration before(int retry, Optional<Duration> retryAfter) {
    Duration backoff = backoff(retry);
    return retryAfter.filter(asked -> asked.compareTo(backoff) > 0).orElse(backoff);
  }

  private Duration backoff(int retry) {
    Duration wait = first;
    for (int i = 1; i < retry && wait.compareTo(max) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(max) > 0 ? max : wait;
  }
}
