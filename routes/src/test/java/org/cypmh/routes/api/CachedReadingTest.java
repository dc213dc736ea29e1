package org.cypmh.routes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedReadingTest {

  private Instant now = Instant.parse("2026-12-06T12:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  @Test
  void scrapesWithinTheMaximumAgeShareOneReadingAndTheNextOneReadsAgain() {
    AtomicInteger reads = new AtomicInteger();
    CachedReading<Integer> reading =
        new CachedReading<>(reads::incrementAndGet, Duration.ofSeconds(5), clock);

    assertThat(reading.get()).isEqualTo(1);
    now = now.plusSeconds(4);
    assertThat(reading.get()).isEqualTo(1);
    now = now.plusSeconds(1);
    assertThat(reading.get()).isEqualTo(2);
    assertThat(reads).hasValue(2);
  }

  @Test
  void aFailedReadIsNotRepeatedUntilTheMaximumAgeHasPassed() {
    AtomicInteger reads = new AtomicInteger();
    CachedReading<Integer> reading =
        new CachedReading<>(
            () -> {
              if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("database away");
              }
              return reads.get();
            },
            Duration.ofSeconds(5),
            clock);

    assertThatThrownBy(reading::get).hasMessage("database away");
    assertThatThrownBy(reading::get).hasMessage("database away");
    assertThat(reads).hasValue(1);
    now = now.plusSeconds(5);
    assertThat(reading.get()).isEqualTo(2);
  }
}
