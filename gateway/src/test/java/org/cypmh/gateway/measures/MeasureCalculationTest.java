package org.cypmh.gateway.measures;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The measures of November 2026 on referrals with known milestones: exact counts, percentiles and
 * shares. Figures are compared as text, {@code group [stratifier=stratum] denominator/numerator
 * score unit missing}, so each assertion reads like the published line.
 */
class MeasureCalculationTest {

  private static final LocalDate START = LocalDate.parse("2026-11-01");
  private static final LocalDate END = LocalDate.parse("2026-11-30");
  private static final Person FOURTEEN =
      new Person(LocalDate.parse("2012-03-01"), "female", "A", false);

  private final MeasureCalculation november =
      new MeasureCalculation(START, END, Set.of("camhs-eating-disorders"));

  @Test
  void waitsToFirstContactHaveExactCountMedianAndNinetiethPercentileOverallAndByProvider() {
    november.episode(
        episode("RXY", "2026-11-01", "2026-11-03"), FOURTEEN, "general-camhs", "routine");
    november.episode(
        episode("RXY", "2026-11-01", "2026-11-06"), FOURTEEN, "general-camhs", "routine");
    november.episode(
        episode("RXY", "2026-11-01", "2026-11-10"), FOURTEEN, "general-camhs", "routine");
    november.episode(
        episode("8ZZ02", "2026-11-01", "2026-11-15"), FOURTEEN, "vcse-counselling", null);
    november.episode(
        episode("8ZZ02", "2026-10-28", "2026-11-27"), FOURTEEN, "vcse-counselling", null);
    // No receipt on record: counted as missing, not as a wait.
    november.episode(episode("RXY", null, "2026-11-12"), FOURTEEN, "general-camhs", "routine");
    // First contact in October: another period's figure.
    november.episode(
        episode("RXY", "2026-10-01", "2026-10-30"), FOURTEEN, "general-camhs", "routine");

    List<String> figures = lines(MeasureCalculation.FIRST_CONTACT);

    assertThat(figures)
        .contains(
            "wait-days-count 5 5 {referrals} missing 1",
            "wait-days-p50 5 9 d missing 1",
            "wait-days-p90 5 30 d missing 1",
            "wait-days-count [provider=RXY] 3 3 {referrals} missing 1",
            "wait-days-p50 [provider=RXY] 3 5 d missing 1",
            "wait-days-p90 [provider=RXY] 3 9 d missing 1",
            "wait-days-p50 [provider=8ZZ02] 2 14 d missing 1",
            "wait-days-p90 [provider=8ZZ02] 2 30 d missing 1",
            "wait-days-count [age-band=11-15] 5 5 {referrals} missing 1",
            "wait-days-count [ethnicity=A] 5 5 {referrals} missing 1");
    // Nothing in the ED measures: none of these went to an eating-disorder service.
    assertThat(lines(MeasureCalculation.EATING_DISORDERS))
        .contains("urgent-seen-within-1-week 0/0 - % missing 0");
  }

  @Test
  void eatingDisorderWaitsAreBandedAndSplitUrgentFromRoutine() {
    LocalDate contact = LocalDate.parse("2026-11-20");
    record Referral(String priority, long days) {}
    for (Referral r :
        List.of(
            new Referral("urgent", 3),
            new Referral("asap", 7),
            new Referral("stat", 10),
            new Referral("routine", 5),
            new Referral("routine", 20),
            new Referral("routine", 28),
            new Referral("routine", 40),
            new Referral("routine", 100))) {
      november.episode(
          episode("RXY", contact.minusDays(r.days()).toString(), contact.toString()),
          FOURTEEN,
          "camhs-eating-disorders",
          r.priority());
    }
    // Missing data: no priority; no receipt.
    november.episode(
        episode("RXY", "2026-11-01", "2026-11-20"), FOURTEEN, "camhs-eating-disorders", null);
    november.episode(
        episode("RXY", null, "2026-11-20"), FOURTEEN, "camhs-eating-disorders", "urgent");

    assertThat(lines(MeasureCalculation.EATING_DISORDERS))
        .containsExactly(
            "urgent-within-1-week 3/2 66.7 % missing 2",
            "urgent-1-to-4-weeks 3/1 33.3 % missing 2",
            "urgent-4-to-12-weeks 3/0 0.0 % missing 2",
            "urgent-over-12-weeks 3/0 0.0 % missing 2",
            "urgent-seen-within-1-week 3/2 66.7 % missing 2",
            "routine-within-1-week 5/1 20.0 % missing 2",
            "routine-1-to-4-weeks 5/2 40.0 % missing 2",
            "routine-4-to-12-weeks 5/1 20.0 % missing 2",
            "routine-over-12-weeks 5/1 20.0 % missing 2",
            "routine-seen-within-4-weeks 5/3 60.0 % missing 2");
  }

  @Test
  void accessCountsEachYoungPersonUnder18OnceInTheRolling12MonthsWhateverTheProviders() {
    Person a = new Person(LocalDate.parse("2010-05-01"), "female", "A", false);
    Person b = new Person(LocalDate.parse("2008-01-15"), "male", null, false);
    Person c = new Person(null, null, null, false);
    Person d = new Person(LocalDate.parse("2012-02-01"), "female", null, false);
    Person e = new Person(LocalDate.parse("2015-07-01"), "male", null, false);
    Person f = new Person(LocalDate.parse("2008-11-10"), "female", "J", true);
    Person g = new Person(LocalDate.parse("2008-11-25"), "male", null, false);
    // A: contacts at two providers, counted once overall and once at each.
    november.contact(contact("Patient/a", "RXY", "2026-11-05"), a);
    november.contact(contact("Patient/a", "8ZZ02", "2026-06-01"), a);
    november.contact(contact("Patient/a", "RXY", "2026-11-06"), a);
    // B: 18 at the contact; C: no birth date (missing); D: contact before the 12 months.
    november.contact(contact("Patient/b", "RXY", "2026-11-10"), b);
    november.contact(contact("Patient/c", "RXY", "2026-11-10"), c);
    november.contact(contact("Patient/d", "RXY", "2025-11-30"), d);
    november.contact(contact("Patient/e", "RXY", "2026-11-20"), e);
    // F and G reach 18 in November; F has an agreed transition plan.
    november.contact(contact("Patient/f", "RXY", "2026-09-01"), f);
    november.contact(contact("Patient/g", "RXY", "2026-10-01"), g);

    assertThat(lines(MeasureCalculation.ACCESS))
        .containsExactly(
            "young-people 4 4 {people} missing 1",
            "young-people [age-band=11-15] 1 1 {people} missing 1",
            "young-people [age-band=16-17] 3 3 {people} missing 1",
            "young-people [ethnicity=A] 1 1 {people} missing 1",
            "young-people [ethnicity=J] 1 1 {people} missing 1",
            "young-people [ethnicity=not recorded] 2 2 {people} missing 1",
            "young-people [gender=female] 2 2 {people} missing 1",
            "young-people [gender=male] 2 2 {people} missing 1",
            "young-people [provider=8ZZ02] 1 1 {people} missing 1",
            "young-people [provider=RXY] 4 4 {people} missing 1");
    assertThat(lines(MeasureCalculation.TRANSITIONS))
        .containsExactly(
            "with-agreed-plan 2/1 50.0 % missing 1", "without-agreed-plan 2/1 50.0 % missing 1");
  }

  @Test
  void consentHoldsBegunInThePeriodAreCountedWithHowLongTheReleasedOnesWaited() {
    november.hold(new Episodes.Hold("ServiceRequest/1", at("2026-11-02"), at("2026-11-05")));
    november.hold(new Episodes.Hold("ServiceRequest/2", at("2026-11-10"), null));
    november.hold(new Episodes.Hold("ServiceRequest/3", at("2026-11-28"), at("2026-12-02")));
    november.hold(new Episodes.Hold("ServiceRequest/4", at("2026-10-20"), at("2026-11-02")));

    assertThat(lines(MeasureCalculation.CONSENT_HOLDS))
        .containsExactly(
            "released-by-period-end 3/1 33.3 % missing 0",
            "days-held-count 1 1 {referrals} missing 0",
            "days-held-p50 1 3 d missing 0",
            "days-held-p90 1 3 d missing 0");
  }

  @Test
  void smallNumbersAreWithheldWithEverythingThatWouldGiveThemBack() {
    Suppression fives = new Suppression(5);

    assertThat(
            line(
                fives.apply(
                    new Figure(
                        "m",
                        "g",
                        null,
                        null,
                        4L,
                        null,
                        java.math.BigDecimal.valueOf(4),
                        "{people}",
                        0L,
                        false))))
        .isEqualTo("g - - {people} missing 0 suppressed");
    assertThat(
            line(
                fives.apply(
                    new Figure(
                        "m",
                        "g",
                        null,
                        null,
                        0L,
                        null,
                        java.math.BigDecimal.ZERO,
                        "{people}",
                        0L,
                        false))))
        .isEqualTo("g 0 0 {people} missing 0");
    assertThat(
            line(
                fives.apply(
                    new Figure(
                        "m",
                        "g",
                        null,
                        null,
                        10L,
                        2L,
                        java.math.BigDecimal.valueOf(20),
                        "%",
                        0L,
                        false))))
        .isEqualTo("g - - % missing 0 suppressed");
    assertThat(
            line(
                fives.apply(
                    new Figure(
                        "m",
                        "g",
                        null,
                        null,
                        10L,
                        6L,
                        java.math.BigDecimal.valueOf(60),
                        "%",
                        3L,
                        false))))
        .isEqualTo("g 10/6 60 % missing -");
  }

  @Test
  void aReferralDeliveredToTwoProvidersIsAnEpisodeAtEachWaitingFromItsDelivery() {
    List<MilestoneFact> milestones =
        List.of(
            fact(Milestone.RECEIVED, "2026-11-01", null, null),
            fact(
                Milestone.DELIVERED,
                "2026-11-02",
                "RXY",
                "HealthcareService/camhs-eating-disorders"),
            fact(Milestone.DELIVERED, "2026-11-03", "8ZZ02", "HealthcareService/first-steps-ed"),
            fact(Milestone.CONTACT, "2026-11-09", "8ZZ02", null),
            fact(Milestone.CONTACT, "2026-11-07", "8ZZ02", null),
            fact(Milestone.TREATMENT_STARTED, "2026-11-20", "RXY", null));

    assertThat(Episodes.of(milestones))
        .containsExactly(
            new Episode(
                "ServiceRequest/1",
                "Patient/2",
                "RXY",
                "HealthcareService/camhs-eating-disorders",
                at("2026-11-02"),
                null,
                at("2026-11-20")),
            new Episode(
                "ServiceRequest/1",
                "Patient/2",
                "8ZZ02",
                "HealthcareService/first-steps-ed",
                at("2026-11-03"),
                at("2026-11-07"),
                null));
  }

  @Test
  void percentilesAreNearestRank() {
    assertThat(Percentiles.nearestRank(List.of(2L, 5L, 9L, 14L, 30L), 50)).isEqualTo(9);
    assertThat(Percentiles.nearestRank(List.of(2L, 5L, 9L, 14L, 30L), 90)).isEqualTo(30);
    assertThat(Percentiles.nearestRank(List.of(2L, 5L, 9L, 14L), 50)).isEqualTo(5);
    assertThat(Percentiles.nearestRank(List.of(7L), 90)).isEqualTo(7);
  }

  private List<String> lines(String measure) {
    return november.figures().stream()
        .filter(f -> f.measure().equals(measure))
        .map(MeasureCalculationTest::line)
        .toList();
  }

  private static String line(Figure f) {
    String counts =
        f.numerator() == null && !"%".equals(f.unit())
            ? text(f.denominator()) + " " + (f.score() == null ? "-" : f.score().toPlainString())
            : text(f.denominator())
                + "/"
                + text(f.numerator())
                + " "
                + (f.score() == null ? "-" : f.score().toPlainString());
    if (f.suppressed()) {
      counts = "- -";
    }
    return f.group()
        + (f.stratifier() == null ? "" : " [" + f.stratifier() + "=" + f.stratum() + "]")
        + " "
        + counts
        + " "
        + f.unit()
        + " missing "
        + text(f.missing())
        + (f.suppressed() ? " suppressed" : "");
  }

  private static String text(Long value) {
    return value == null ? "-" : value.toString();
  }

  private static int referrals;

  private static Episode episode(String provider, String received, String contact) {
    referrals++;
    return new Episode(
        "ServiceRequest/" + referrals,
        "Patient/" + referrals,
        provider,
        null,
        at(received),
        at(contact),
        null);
  }

  private static MilestoneFact contact(String patient, String provider, String day) {
    return new MilestoneFact(
        null, patient, Milestone.CONTACT, at(day), provider, null, "Encounter/x");
  }

  private static MilestoneFact fact(
      Milestone milestone, String day, String provider, String service) {
    return new MilestoneFact(
        "ServiceRequest/1", "Patient/2", milestone, at(day), provider, service, "test");
  }

  /** Ten in the morning: the same day in England in November (GMT). */
  private static Instant at(String day) {
    return day == null ? null : LocalDate.parse(day).atTime(10, 0).toInstant(ZoneOffset.UTC);
  }
}
