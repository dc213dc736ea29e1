package org.cypmh.gateway.measures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds the milestones of one referral into an episode per provider, and its consent hold. The
 * earliest report of a milestone wins: a service reporting a first contact twice does not move it.
 */
final class Episodes {

  private Episodes() {}

  /**
   * @param milestones every milestone of one referral, in any order
   */
  static List<Episode> of(List<MilestoneFact> milestones) {
    if (milestones.isEmpty()) {
      return List.of();
    }
    String referral = milestones.get(0).referral();
    String patient =
        milestones.stream()
            .map(MilestoneFact::patient)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    Instant received = earliest(milestones, Milestone.RECEIVED, null);
    Map<String, String> services = new LinkedHashMap<>();
    for (MilestoneFact fact : milestones) {
      if (fact.provider() != null) {
        services.putIfAbsent(fact.provider(), null);
        if (fact.milestone() == Milestone.DELIVERED && fact.service() != null) {
          services.put(fact.provider(), fact.service());
        }
      }
    }
    List<Episode> episodes = new ArrayList<>();
    if (services.isEmpty()) {
      // Not (yet) with any provider: it still waits, and counts as referred.
      episodes.add(
          new Episode(
              referral,
              patient,
              null,
              null,
              received,
              earliest(milestones, Milestone.CONTACT, null),
              earliest(milestones, Milestone.TREATMENT_STARTED, null)));
      return episodes;
    }
    for (Map.Entry<String, String> provider : services.entrySet()) {
      Instant delivered = earliest(milestones, Milestone.DELIVERED, provider.getKey());
      episodes.add(
          new Episode(
              referral,
              patient,
              provider.getKey(),
              provider.getValue(),
              delivered != null ? delivered : received,
              earliest(milestones, Milestone.CONTACT, provider.getKey()),
              earliest(milestones, Milestone.TREATMENT_STARTED, provider.getKey())));
    }
    return episodes;
  }

  /**
   * The referral's consent hold: when it was first held, and when it was next delivered (null if it
   * is still held), or null if it never was.
   */
  static Hold holdOf(List<MilestoneFact> milestones) {
    Instant held = earliest(milestones, Milestone.HELD_FOR_CONSENT, null);
    if (held == null) {
      return null;
    }
    Instant released =
        milestones.stream()
            .filter(f -> f.milestone() == Milestone.DELIVERED && !f.occurredAt().isBefore(held))
            .map(MilestoneFact::occurredAt)
            .min(Instant::compareTo)
            .orElse(null);
    return new Hold(milestones.get(0).referral(), held, released);
  }

  record Hold(String referral, Instant heldAt, Instant releasedAt) {}

  /** The earliest of a kind, at one provider (or anywhere, when {@code provider} is null). */
  private static Instant earliest(List<MilestoneFact> milestones, Milestone kind, String provider) {
    return milestones.stream()
        .filter(f -> f.milestone() == kind)
        .filter(f -> provider == null || provider.equals(f.provider()))
        .map(MilestoneFact::occurredAt)
        .min(Instant::compareTo)
        .orElse(null);
  }
}
