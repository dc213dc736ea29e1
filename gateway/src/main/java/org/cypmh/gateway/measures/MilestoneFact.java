package org.cypmh.gateway.measures;

import java.time.Instant;

/**
 * A milestone as {@link MilestoneRules} derives it and the measures read it.
 *
 * @param referral versionless referral reference, or null (a contact not linked to a referral)
 * @param patient versionless Patient reference, or null if the resource names none
 * @param provider ODS code of the provider it happened at, or null (the gateway's own step)
 * @param service HealthcareService reference it concerns, or null
 * @param source the stored change that reported it, for whoever checks a figure
 */
public record MilestoneFact(
    String referral,
    String patient,
    Milestone milestone,
    java.time.Instant occurredAt,
    String provider,
    String service,
    String source) {

  public MilestoneFact {
    if (milestone == null || occurredAt == null || source == null) {
      throw new IllegalArgumentException("milestone, occurredAt and source are required");
    }
  }

  static MilestoneFact of(
      String referral, String patient, Milestone milestone, Instant at, String source) {
    return new MilestoneFact(referral, patient, milestone, at, null, null, source);
  }

  MilestoneFact at(String provider, String service) {
    return new MilestoneFact(referral, patient, milestone, occurredAt, provider, service, source);
  }
}
