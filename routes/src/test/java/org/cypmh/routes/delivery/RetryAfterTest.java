package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A partner's Retry-After, in either form RFC 9110 allows, and the cap we put on it. */
class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Duration CAP = Duration.ofMinutes(5);

  @Test
  void secondsAreWaitedAsGiven() {
    assertThat(RetryAfter.wait("120", NOW, CAP)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.wait(" 0 ", NOW, CAP)).contains(Duration.ZERO);
  }

  @Test
  void anHttpDateIsWaitedUntil() {
    assertThat(RetryAfter.wait("Sun, 01 Mar 2026 10:01:30 GMT", NOW, CAP))
        .contains(Duration.ofSeconds(90));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(RetryAfter.wait("Sun, 01 Mar 2026 09:00:00 GMT", NOW, CAP)).contains(Duration.ZERO);
  }

  @Test
  void aLongerWaitThanTheCapIsCutToTheCap() {
    assertThat(RetryAfter.wait("86400", NOW, CAP)).contains(CAP);
    assertThat(RetryAfter.wait("99999999999999999999999", NOW, CAP)).contains(CAP);
    assertThat(RetryAfter.wait("Mon, 02 Mar 2026 10:00:00 GMT", NOW, CAP)).contains(CAP);
  }

  @Test
  void anythingElseIsIgnored() {
    assertThat(RetryAfter.wait(null, NOW, CAP)).isEmpty();
    assertThat(RetryAfter.wait("", NOW, CAP)).isEmpty();
    assertThat(RetryAfter.wait("-5", NOW, CAP)).isEmpty();
    assertThat(RetryAfter.wait("1.5", NOW, CAP)).isEmpty();
    assertThat(RetryAfter.wait("tomorrow", NOW, CAP)).isEmpty();
  }

  @Test
  void theNextAttemptWaitsForTheLongerOfBackoffAndRetryAfter() {
    RedeliveryDelay delay = new RedeliveryDelay(Duration.ofSeconds(2), Duration.ofSeconds(30));

    assertThat(delay.before(1, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
    assertThat(delay.before(3, Optional.empty())).isEqualTo(Duration.ofSeconds(8));
    assertThat(delay.before(10, Optional.empty())).isEqualTo(Duration.ofSeconds(30));
    assertThat(delay.before(1, Optional.of(Duration.ofSeconds(20))))
        .isEqualTo(Duration.ofSeconds(20));
    assertThat(delay.before(3, Optional.of(Duration.ofSeconds(1))))
        .isEqualTo(Duration.ofSeconds(8));
    // Retry-After may exceed the backoff maximum: the partner's word, capped separately.
    assertThat(delay.before(10, Optional.of(Duration.ofMinutes(2))))
        .isEqualTo(Duration.ofMinutes(2));
  }
}
