package org.cypmh.gateway.e2e;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the simulated partners received, by referral: when each referral (found by the referrer's
 * identifier in the payload, transaction or BaRS message) first reached a partner.
 */
final class PartnerDeliveries {

  /** The referrer identifier systems of the benchmark's referrals and of the wrk script's. */
  private static final List<String> REFERRER_SYSTEMS =
      List.of("https://referrer.example.org/referrals", ScriptReferral.REFERRER_SYSTEM);

  private PartnerDeliveries() {}

  /** Forgets what the partners received so far (a new phase starts). */
  static void reset() {
    PartnerNetwork.PARTNERS.server().resetRequests();
  }

  /** Referrer identifier to the time (epoch ms) a partner first logged it. */
  static Map<String, Long> receivedAt() {
    Map<String, Long> receivedAt = new HashMap<>();
    for (var event : PartnerNetwork.PARTNERS.server().getAllServeEvents()) {
      LoggedRequest request = event.getRequest();
      String body = request.getBodyAsString();
      int at = referrerIdentifierAt(body);
      if (at >= 0) {
        int valueAt = body.indexOf("\"value\":\"", at) + 9;
        String identifier = body.substring(valueAt, body.indexOf('"', valueAt));
        receivedAt.merge(identifier, request.getLoggedDate().getTime(), Math::min);
      }
    }
    return receivedAt;
  }

  /** Where the first referrer identifier system appears in a payload, or -1. */
  private static int referrerIdentifierAt(String body) {
    return REFERRER_SYSTEMS.stream().mapToInt(body::indexOf).filter(at -> at >= 0).min().orElse(-1);
  }

  // A gateway working off a backlog can go this long between deliveries on a busy machine.
  private static final Duration QUIET_FOR = Duration.ofSeconds(30);
  private static final Duration AT_MOST = Duration.ofMinutes(5);

  /**
   * Waits until the partners have received {@code expected} referrals, or nothing new arrived for
   * 30 s, or 5 minutes passed: the gateway's routing backlog of one phase must not slow the next.
   * Returns how many were received.
   */
  static int awaitDelivered(long expected) throws InterruptedException {
    return awaitDelivered(expected, QUIET_FOR, AT_MOST);
  }

  private static int awaitDelivered(long expected, Duration quietFor, Duration atMost)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    int received = receivedAt().size();
    long lastProgress = System.nanoTime();
    while (received < expected
        && System.nanoTime() < deadline
        && System.nanoTime() - lastProgress < quietFor.toNanos()) {
      Thread.sleep(1_000);
      int now = receivedAt().size();
      if (now > received) {
        lastProgress = System.nanoTime();
        received = now;
      }
    }
    return received;
  }
}
