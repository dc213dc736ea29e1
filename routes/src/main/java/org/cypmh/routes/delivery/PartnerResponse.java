package org.cypmh.routes.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * How a partner answered one attempt.
 *
 * @param httpStatus the HTTP status, or null when there was no answer
 * @param location where the partner stored the referral (from the response), if it said
 * @param summary one line for operators: status and the partner's issue text, or the network
 *     failure; never payload content
 * @param retryAfter how long the partner asked us to wait (its {@code Retry-After} on a 429 or 503,
 *     already capped), or null
 */
record PartnerResponse(Integer httpStatus, String location, String summary, Duration retryAfter) {

  PartnerResponse(Integer httpStatus, String location, String summary) {
    this(httpStatus, location, summary, null);
  }

  static PartnerResponse noAnswer(String why) {
    return new PartnerResponse(null, null, why);
  }

  boolean accepted() {
    return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
  }

  /** Worth trying again: no answer, 408, 429 or a 5xx. Other 4xx mean the payload is refused. */
  boolean retryable() {
    return httpStatus == null || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
  }

  Optional<Duration> askedToWait() {
    return Optional.ofNullable(retryAfter);
  }
}
