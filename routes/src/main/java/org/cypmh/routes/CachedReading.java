package org.cypmh.routes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A value read from the database for metrics, kept for a short while: a Prometheus scrape reads
 * several gauges of the same reading, and scrapes from several Prometheus servers must not each
 * cost a query.
 */
public final class CachedReading<T> {

  private final Supplier<T> read;
  private final Duration maxAge;
  private final Clock clock;
  private T value;
  private Instant readAt;

  public CachedReading(Supplier<T> read, Duration maxAge, Clock clock) {
    this.read = read;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The last reading if younger than the maximum age; else a new one. */
  public synchronized T get() {
    Instant now = clock.instant();
    if (readAt == null || !now.isBefore(readAt.plus(maxAge))) {
      value = read.get();
      readAt = now;
    }
    return value;
  }
}
