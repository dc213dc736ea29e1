package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When a delivery's next attempt is due, as written to its row: backoff, a partner's Retry-After,
 * an open circuit breaker, the gateway's own failure, and the end of the budget.
 */
class DeliveryScheduleTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  /** 2 s doubled up to 30 s; 3 retries after the first call. */
  private final DeliverySchedule schedule =
      new DeliverySchedule(new RedeliveryDelay(Duration.ofSeconds(2), Duration.ofSeconds(30)), 3);

  @Test
  void failedCallsBackOffExponentially() {
    assertThat(schedule.afterFailedCall(1, Optional.empty(), NOW)).contains(NOW.plusSeconds(2));
    assertThat(schedule.afterFailedCall(2, Optional.empty(), NOW)).contains(NOW.plusSeconds(4));
    assertThat(schedule.afterFailedCall(3, Optional.empty(), NOW)).contains(NOW.plusSeconds(8));
  }

  @Test
  void backoffStopsGrowingAtItsMaximum() {
    DeliverySchedule long_ =
        new DeliverySchedule(
            new RedeliveryDelay(Duration.ofSeconds(2), Duration.ofSeconds(30)), 20);
    assertThat(long_.afterFailedCall(5, Optional.empty(), NOW)).contains(NOW.plusSeconds(30));
    assertThat(long_.afterFailedCall(20, Optional.empty(), NOW)).contains(NOW.plusSeconds(30));
  }

  @Test
  void aPartnersRetryAfterLongerThanTheBackoffIsWaited() {
    assertThat(schedule.afterFailedCall(1, Optional.of(Duration.ofSeconds(45)), NOW))
        .contains(NOW.plusSeconds(45));
  }

  @Test
  void aRetryAfterShorterThanTheBackoffDoesNotShortenIt() {
    assertThat(schedule.afterFailedCall(3, Optional.of(Duration.ofSeconds(1)), NOW))
        .contains(NOW.plusSeconds(8));
  }

  @Test
  void theCallAfterTheLastRetryEndsTheBudget() {
    // 1 call + 3 retries: the 4th failed call is the last.
    assertThat(schedule.afterFailedCall(4, Optional.empty(), NOW)).isEmpty();
    assertThat(schedule.afterFailedCall(4, Optional.of(Duration.ofSeconds(5)), NOW)).isEmpty();
  }

  @Test
  void noRetriesMeansTheFirstFailedCallEndsTheBudget() {
    DeliverySchedule once =
        new DeliverySchedule(new RedeliveryDelay(Duration.ofSeconds(2), Duration.ofSeconds(30)), 0);
    assertThat(once.afterFailedCall(1, Optional.empty(), NOW)).isEmpty();
  }

  @Test
  void anOpenBreakerIsWaitedOutWhateverTheBudget() {
    assertThat(schedule.whileBreakerOpen(Duration.ofSeconds(17), NOW))
        .isEqualTo(NOW.plusSeconds(17));
  }

  @Test
  void theGatewaysOwnFailureBacksOffWithoutSpendingBudget() {
    assertThat(schedule.afterOwnFailure(0, NOW)).isEqualTo(NOW.plusSeconds(2));
    assertThat(schedule.afterOwnFailure(3, NOW)).isEqualTo(NOW.plusSeconds(8));
  }
}
