package org.cypmh.routes.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A value read from the database for metrics, kept for a short while: a Prometheus scrape reads
 * several gauges of the same reading, and scrapes from several Prometheus servers must not each
 * cost a query. A failed read (the database is away) is kept as long, so a scrape does not wait for
 * the connection timeout once per gauge.
 */
public final class CachedReading<T> {

  private final Supplier<T> read;
  private final Duration maxAge;
  private final Clock clock;
  private T value;
  private RuntimeException failure;
  private Instant readAt;

  public CachedReading(Supplier<T> read, Duration maxAge, Clock clock) {
    this.read = read;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /**
   * The last reading if younger than the maximum age; else a new one.
   *
   * @throws RuntimeException the last read's failure, while it is younger than the maximum age
   */
  public synchronized T get() {
    Instant now = clock.instant();
    if (readAt == null || !now.isBefore(readAt.plus(maxAge))) {
      readAt = now;
      try {
        value = read.get();
        failure = null;
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}
