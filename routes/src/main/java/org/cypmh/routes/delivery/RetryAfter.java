package org.cypmh.routes.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A partner's {@code Retry-After} header (RFC 9110 section 10.2.3): either a number of seconds or
 * an HTTP-date. The partner is telling us when it can take the delivery again, so the next attempt
 * waits at least that long, up to a cap so that a partner cannot park a referral for days.
 */
final class RetryAfter {

  private RetryAfter() {}

  /**
   * The wait the header asks for, measured from {@code now}, never negative and at most {@code
   * max}; empty when there is no header or it is neither seconds nor an HTTP-date.
   */
  static Optional<Duration> wait(String header, Instant now, Duration max) {
    return parse(header, now).map(wait -> wait.compareTo(max) > 0 ? max : wait);
  }

  private static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
      } catch (NumberFormatException tooLong) {
        // More digits than a long holds: longer than any cap.
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE));
      }
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException notADate) {
      return Optional.empty();
    }
  }
}
