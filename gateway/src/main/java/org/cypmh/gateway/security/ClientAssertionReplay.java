package org.cypmh.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Replay protection for client assertions: a {@code jti} is accepted once per client until the
 * assertion expires. Assertions must have a {@code jti} and expire within {@code
 * gateway.security.tokens.max-assertion-age}, which bounds what is remembered. Per node (in
 * memory): with several nodes behind a load balancer, use sticky routing of {@code /oauth2/token}
 * or accept that an assertion could be replayed once on each node within its few minutes.
 */
final class ClientAssertionReplay {

  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Duration maxAge;
  private final Clock clock;

  ClientAssertionReplay(Duration maxAge, Clock clock) {
    this.maxAge = maxAge;
    this.clock = clock;
  }

  boolean firstUse(String clientId, Jwt assertion) {
    Instant now = clock.instant();
    Instant expires = assertion.getExpiresAt();
    String jti = assertion.getId();
    if (jti == null || jti.isBlank() || expires == null || expires.isAfter(now.plus(maxAge))) {
      return false;
    }
    seen.values().removeIf(expiry -> expiry.isBefore(now));
    return seen.putIfAbsent(clientId + " " + jti, expires) == null;
  }
}
