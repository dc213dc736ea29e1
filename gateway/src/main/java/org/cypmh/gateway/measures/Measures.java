package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cypmh.routes.api.England;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Computes the figures of a reporting period from the milestone table, on request (never on the
 * path that stores referrals): the rows are streamed and folded one referral at a time.
 */
@Component
public class Measures {

  private final ReferralMilestones milestones;
  private final DaoRegistry daoRegistry;
  private final MeasuresProperties properties;

  Measures(ReferralMilestones milestones, DaoRegistry daoRegistry, MeasuresProperties properties) {
    this.milestones = milestones;
    this.daoRegistry = daoRegistry;
    this.properties = properties;
  }

  /**
   * @param provider an ODS code: only what happened at that provider; null: every provider
   * @return the figures, small numbers already suppressed
   */
  @Transactional(readOnly = true)
  public List<Figure> figures(LocalDate start, LocalDate end, String provider) {
    MeasureCalculation calculation =
        new MeasureCalculation(start, end, properties.eatingDisorderServiceTypes());
    ReferralFacts facts = new ReferralFacts(daoRegistry, start, end);
    Instant from = startOf(start);
    Instant to = startOf(end.plusDays(1));
    try (Stream<MilestoneFact> rows =
        milestones.ofReferralsWith(
            List.of(Milestone.CONTACT, Milestone.TREATMENT_STARTED, Milestone.HELD_FOR_CONSENT),
            from,
            to)) {
      // Rows come grouped by referral: fold each group as soon as the next one starts.
      List<MilestoneFact> referral = new ArrayList<>();
      rows.forEachOrdered(
          row -> {
            if (!referral.isEmpty() && !referral.get(0).referral().equals(row.referral())) {
              fold(referral, calculation, facts, provider);
              referral.clear();
            }
            referral.add(row);
          });
      fold(referral, calculation, facts, provider);
    }
    try (Stream<MilestoneFact> contacts =
        milestones.ofKind(
            Milestone.CONTACT, startOf(MeasureCalculation.accessWindowStart(end)), to)) {
      contacts
          .filter(c -> provider == null || provider.equals(c.provider()))
          .forEachOrdered(c -> calculation.contact(c, facts.person(c.patient())));
    }
    Suppression suppression = new Suppression(properties.suppressionThreshold());
    return calculation.figures().stream().map(suppression::apply).toList();
  }

  private static void fold(
      List<MilestoneFact> referral,
      MeasureCalculation calculation,
      ReferralFacts facts,
      String provider) {
    if (referral.isEmpty()) {
      return;
    }
    String priority = null;
    for (Episode episode : Episodes.of(referral)) {
      if (provider != null && !provider.equals(episode.provider())) {
        continue;
      }
      if (priority == null) {
        priority = facts.priority(episode.referral());
      }
      calculation.episode(
          episode, facts.person(episode.patient()), facts.serviceType(episode.service()), priority);
    }
    Episodes.Hold hold = Episodes.holdOf(referral);
    if (hold != null && provider == null) {
      calculation.hold(hold);
    }
  }

  private static Instant startOf(LocalDate day) {
    return day.atStartOfDay(England.ZONE).toInstant();
  }
}
