package org.cypmh.gateway.measures;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cypmh.routes.api.England;

/**
 * The national measures for one reporting period, folded one referral (or contact) at a time, so
 * the caller can stream its rows: what is kept is counts, the waits of the period's clock stops,
 * and the set of young people seen. Pure: no storage, no clock, no Spring (unit tested in {@code
 * MeasureCalculationTest}). Definitions are in this package's README.
 */
final class MeasureCalculation {

  static final String ACCESS = "cyp-access";
  static final String FIRST_CONTACT = "referral-to-first-contact";
  static final String TREATMENT = "referral-to-treatment";
  static final String EATING_DISORDERS = "eating-disorder-waits";
  static final String CONSENT_HOLDS = "held-for-consent";
  static final String TRANSITIONS = "transitions";

  static final List<String> MEASURES =
      List.of(ACCESS, FIRST_CONTACT, TREATMENT, EATING_DISORDERS, CONSENT_HOLDS, TRANSITIONS);

  /** The ED bands (days, inclusive upper bound) of the ED86-ED89 waiting-time measures. */
  private static final List<Band> ED_BANDS =
      List.of(
          new Band("within-1-week", 0, 7),
          new Band("1-to-4-weeks", 8, 28),
          new Band("4-to-12-weeks", 29, 84),
          new Band("over-12-weeks", 85, Long.MAX_VALUE));

  private final LocalDate start;
  private final LocalDate end;
  private final LocalDate accessFrom;
  private final Set<String> eatingDisorderServiceTypes;

  private final Waits firstContact = new Waits();
  private final Waits treatment = new Waits();
  private final Map<String, List<Long>> edWaits = new HashMap<>();
  private long edMissing;
  private final List<Long> holdDays = new ArrayList<>();
  private long holds;
  private final Map<String, AccessEntry> seen = new HashMap<>();
  private final Set<String> seenWithoutAge = new HashSet<>();

  /**
   * @param start first day of the reporting period (England)
   * @param end last day of the reporting period, inclusive
   * @param eatingDisorderServiceTypes {@code cypmh-service-type} codes of eating-disorder services
   */
  MeasureCalculation(LocalDate start, LocalDate end, Set<String> eatingDisorderServiceTypes) {
    this.start = start;
    this.end = end;
    this.accessFrom = accessWindowStart(end);
    this.eatingDisorderServiceTypes = eatingDisorderServiceTypes;
  }

  /** MHS95's rolling 12 months ending on {@code end}: from the day after a year earlier. */
  static LocalDate accessWindowStart(LocalDate end) {
    return end.minusYears(1).plusDays(1);
  }

  /**
   * One referral at one provider.
   *
   * @param serviceType the {@code cypmh-service-type} of the service it was delivered to, or null
   * @param priority the referral's FHIR priority ({@code routine}, {@code urgent}, {@code asap},
   *     {@code stat}), or null
   */
  void episode(Episode episode, Person person, String serviceType, String priority) {
    LocalDate received = day(episode.receivedAt());
    LocalDate contact = day(episode.firstContactAt());
    if (inPeriod(contact)) {
      firstContact.add(received, contact, episode.provider(), person);
      if (serviceType != null && eatingDisorderServiceTypes.contains(serviceType)) {
        String urgency = urgency(priority);
        if (received == null || urgency == null) {
          edMissing++;
        } else {
          edWaits.computeIfAbsent(urgency, k -> new ArrayList<>()).add(days(received, contact));
        }
      }
    }
    LocalDate treated = day(episode.treatmentStartedAt());
    if (inPeriod(treated)) {
      treatment.add(received, treated, episode.provider(), person);
    }
  }

  /** A referral's consent hold, if it began in the period. */
  void hold(Episodes.Hold hold) {
    LocalDate held = day(hold.heldAt());
    if (!inPeriod(held)) {
      return;
    }
    holds++;
    LocalDate released = day(hold.releasedAt());
    if (released != null && !released.isAfter(end)) {
      holdDays.add(days(held, released));
    }
  }

  /**
   * An attended contact in MHS95's rolling 12 months. A young person is counted once however many
   * contacts and providers they had: overall and once per provider.
   */
  void contact(MilestoneFact contact, Person person) {
    LocalDate on = day(contact.occurredAt());
    if (on == null || on.isBefore(accessFrom) || on.isAfter(end)) {
      return;
    }
    String who = contact.patient() != null ? contact.patient() : contact.source();
    Integer age = person.ageOn(on);
    if (contact.patient() == null || age == null) {
      seenWithoutAge.add(who);
      return;
    }
    AccessEntry entry = seen.computeIfAbsent(who, k -> new AccessEntry(person, new HashSet<>()));
    if (age < 18) {
      if (entry.firstUnder18 == null || on.isBefore(entry.firstUnder18)) {
        entry.firstUnder18 = on;
      }
      if (contact.provider() != null) {
        entry.providers.add(contact.provider());
      }
    }
  }

  List<Figure> figures() {
    List<Figure> figures = new ArrayList<>();
    access(figures);
    firstContact.figures(FIRST_CONTACT, figures);
    treatment.figures(TREATMENT, figures);
    eatingDisorders(figures);
    consentHolds(figures);
    transitions(figures);
    return figures;
  }

  private void access(List<Figure> figures) {
    long missing = seenWithoutAge.size();
    Map<String, Map<String, Long>> strata = new TreeMap<>();
    long total = 0;
    for (AccessEntry entry : seen.values()) {
      if (entry.firstUnder18 == null) {
        continue;
      }
      total++;
      for (String provider : entry.providers) {
        increment(strata, "provider", provider);
      }
      increment(strata, "age-band", entry.person.ageBandOn(entry.firstUnder18));
      increment(strata, "gender", entry.person.genderOrNotRecorded());
      increment(strata, "ethnicity", entry.person.ethnicityOrNotRecorded());
    }
    figures.add(count(ACCESS, "young-people", null, null, total, missing));
    strata.forEach(
        (stratifier, counts) ->
            counts.forEach(
                (stratum, n) ->
                    figures.add(count(ACCESS, "young-people", stratifier, stratum, n, missing))));
  }

  private void eatingDisorders(List<Figure> figures) {
    for (String urgency : List.of("urgent", "routine")) {
      List<Long> waits = edWaits.getOrDefault(urgency, List.of());
      long total = waits.size();
      for (Band band : ED_BANDS) {
        long within = waits.stream().filter(band::contains).count();
        figures.add(share(EATING_DISORDERS, urgency + "-" + band.name(), total, within, edMissing));
      }
      long standardDays = "urgent".equals(urgency) ? 7 : 28;
      long met = waits.stream().filter(w -> w <= standardDays).count();
      figures.add(
          share(
              EATING_DISORDERS,
              urgency + ("urgent".equals(urgency) ? "-seen-within-1-week" : "-seen-within-4-weeks"),
              total,
              met,
              edMissing));
    }
  }

  private void consentHolds(List<Figure> figures) {
    figures.add(share(CONSENT_HOLDS, "released-by-period-end", holds, holdDays.size(), 0));
    percentiles(CONSENT_HOLDS, "days-held", null, null, holdDays, 0, figures);
  }

  private void transitions(List<Figure> figures) {
    long reaching18 = 0;
    long withPlan = 0;
    for (AccessEntry entry : seen.values()) {
      LocalDate eighteenth = entry.person.birthDate().plusYears(18);
      if (!eighteenth.isBefore(start) && !eighteenth.isAfter(end) && entry.firstUnder18 != null) {
        reaching18++;
        if (entry.person.transitionPlanAgreed()) {
          withPlan++;
        }
      }
    }
    long missing = seenWithoutAge.size();
    figures.add(share(TRANSITIONS, "with-agreed-plan", reaching18, withPlan, missing));
    figures.add(
        share(TRANSITIONS, "without-agreed-plan", reaching18, reaching18 - withPlan, missing));
  }

  /** Waits from receipt to one clock stop, overall and by breakdown. */
  private static final class Waits {
    private final List<Long> all = new ArrayList<>();
    private final Map<String, Map<String, List<Long>>> strata = new TreeMap<>();
    private long missing;

    void add(LocalDate received, LocalDate stop, String provider, Person person) {
      if (received == null) {
        missing++;
        return;
      }
      long wait = days(received, stop);
      all.add(wait);
      add("provider", provider == null ? "not known" : provider, wait);
      add("age-band", person.ageBandOn(received), wait);
      add("gender", person.genderOrNotRecorded(), wait);
      add("ethnicity", person.ethnicityOrNotRecorded(), wait);
    }

    private void add(String stratifier, String stratum, long wait) {
      strata
          .computeIfAbsent(stratifier, k -> new TreeMap<>())
          .computeIfAbsent(stratum, k -> new ArrayList<>())
          .add(wait);
    }

    void figures(String measure, List<Figure> figures) {
      percentiles(measure, "wait-days", null, null, all, missing, figures);
      strata.forEach(
          (stratifier, values) ->
              values.forEach(
                  (stratum, waits) ->
                      percentiles(
                          measure, "wait-days", stratifier, stratum, waits, missing, figures)));
    }
  }

  /** Count, median and 90th percentile of a list of waits, as three figures. */
  private static void percentiles(
      String measure,
      String group,
      String stratifier,
      String stratum,
      List<Long> values,
      long missing,
      List<Figure> figures) {
    List<Long> sorted = values.stream().sorted().toList();
    long n = sorted.size();
    figures.add(
        new Figure(
            measure,
            group + "-count",
            stratifier,
            stratum,
            n,
            null,
            BigDecimal.valueOf(n),
            "{referrals}",
            missing,
            false));
    for (int p : new int[] {50, 90}) {
      BigDecimal score = n == 0 ? null : BigDecimal.valueOf(Percentiles.nearestRank(sorted, p));
      figures.add(
          new Figure(
              measure, group + "-p" + p, stratifier, stratum, n, null, score, "d", missing, false));
    }
  }

  private static Figure count(
      String measure, String group, String stratifier, String stratum, long n, long missing) {
    return new Figure(
        measure,
        group,
        stratifier,
        stratum,
        n,
        null,
        BigDecimal.valueOf(n),
        "{people}",
        missing,
        false);
  }

  private static Figure share(
      String measure, String group, long denominator, long numerator, long missing) {
    BigDecimal percent =
        denominator == 0
            ? null
            : BigDecimal.valueOf(numerator * 100)
                .divide(BigDecimal.valueOf(denominator), 1, RoundingMode.HALF_UP);
    return new Figure(
        measure, group, null, null, denominator, numerator, percent, "%", missing, false);
  }

  private static void increment(
      Map<String, Map<String, Long>> strata, String stratifier, String stratum) {
    strata.computeIfAbsent(stratifier, k -> new TreeMap<>()).merge(stratum, 1L, Long::sum);
  }

  /** MHSDS ClinRespPriorityType: 1 emergency, 2 urgent, 4 very urgent are urgent; 3 routine. */
  static String urgency(String fhirPriority) {
    if (fhirPriority == null) {
      return null;
    }
    return switch (fhirPriority) {
      case "routine" -> "routine";
      case "urgent", "asap", "stat" -> "urgent";
      default -> null;
    };
  }

  private boolean inPeriod(LocalDate day) {
    return day != null && !day.isBefore(start) && !day.isAfter(end);
  }

  static LocalDate day(Instant at) {
    return at == null ? null : at.atZone(England.ZONE).toLocalDate();
  }

  private static long days(LocalDate from, LocalDate to) {
    return ChronoUnit.DAYS.between(from, to);
  }

  private record Band(String name, long fromDays, long toDays) {
    boolean contains(long days) {
      return days >= fromDays && days <= toDays;
    }
  }

  private static final class AccessEntry {
    private final Person person;
    private final Set<String> providers;
    private LocalDate firstUnder18;

    AccessEntry(Person person, Set<String> providers) {
      this.person = person;
      this.providers = providers;
    }
  }
}
