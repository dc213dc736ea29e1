package org.cypmh.gateway.e2e;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one partner path of the WireMock partners received for a set of referrals (by the referrer's
 * identifier in the payload): each call with its idempotency key, when it arrived and what the
 * partner answered. What the fault tests count deliveries, duplicates and losses from.
 */
final class PartnerJournal {

  private static final String REFERRER_IDENTIFIERS = "https://referrer.example.org/referrals";

  /** One call: the referral it carried, its idempotency key, arrival time and the answer. */
  record Call(String referral, String key, long arrivedAtMillis, int status) {
    boolean accepted() {
      return status >= 200 && status < 300;
    }
  }

  private final List<Call> calls;

  private PartnerJournal(List<Call> calls) {
    this.calls = calls;
  }

  /** The calls to {@code path} carrying one of {@code referrals}, oldest first. */
  static PartnerJournal of(String path, Collection<String> referrals) {
    Set<String> wanted = new HashSet<>(referrals);
    List<Call> calls = new ArrayList<>();
    for (ServeEvent event : PartnerNetwork.PARTNERS.server().getAllServeEvents()) {
      if (!event.getRequest().getUrl().equals(path)) {
        continue;
      }
      String referral = referralIn(event.getRequest().getBodyAsString());
      if (referral != null && wanted.contains(referral)) {
        // A fault (reset connection) is logged with the stub's default status, but nothing was
        // answered: it counts as status 0, never as an acceptance.
        boolean fault =
            event.getResponseDefinition() != null
                && event.getResponseDefinition().getFault() != null;
        int status = fault || event.getResponse() == null ? 0 : event.getResponse().getStatus();
        calls.add(
            new Call(
                referral,
                event.getRequest().getHeader("Idempotency-Key"),
                event.getRequest().getLoggedDate().getTime(),
                status));
      }
    }
    calls.sort(Comparator.comparingLong(Call::arrivedAtMillis));
    return new PartnerJournal(calls);
  }

  List<Call> calls() {
    return calls;
  }

  /** Each referral's idempotency keys as the partner received them. */
  Map<String, Set<String>> keysByReferral() {
    Map<String, Set<String>> keys = new HashMap<>();
    calls.forEach(c -> keys.computeIfAbsent(c.referral(), r -> new HashSet<>()).add(c.key()));
    return keys;
  }

  /** How many calls the partner accepted (2xx), per referral. */
  Map<String, Integer> acceptancesByReferral() {
    Map<String, Integer> accepted = new HashMap<>();
    calls.stream()
        .filter(Call::accepted)
        .forEach(c -> accepted.merge(c.referral(), 1, Integer::sum));
    return accepted;
  }

  /** The calls for one referral, oldest first. */
  List<Call> callsFor(String referral) {
    return calls.stream().filter(c -> c.referral().equals(referral)).toList();
  }

  private static String referralIn(String body) {
    int at = body.indexOf(REFERRER_IDENTIFIERS);
    if (at < 0) {
      return null;
    }
    int valueAt = body.indexOf("\"value\":\"", at);
    if (valueAt < 0) {
      return null;
    }
    valueAt += 9;
    return body.substring(valueAt, body.indexOf('"', valueAt));
  }
}
