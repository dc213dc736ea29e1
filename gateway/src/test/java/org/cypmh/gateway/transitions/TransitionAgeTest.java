package org.cypmh.gateway.transitions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.Period;
import org.junit.jupiter.api.Test;

class TransitionAgeTest {

  static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
  static final Period NO_HORIZON = Period.ZERO;
  static final Period NINETY_DAYS = Period.ofDays(90);

  static LocalDate bornAged(int years, int months, int days) {
    return TODAY.minusYears(years).minusMonths(months).minusDays(days);
  }

  @Test
  void seventeenYearsFiveMonthsAndThirtyDaysIsNotYetDueWithoutAHorizon() {
    assertThat(TransitionAge.of(bornAged(17, 5, 30), TODAY, NO_HORIZON))
        .isEqualTo(TransitionAge.NOT_YET);
  }

  @Test
  void seventeenYearsFiveMonthsAndThirtyDaysIsDueWithinANinetyDayHorizon() {
    assertThat(TransitionAge.of(bornAged(17, 5, 30), TODAY, NINETY_DAYS))
        .isEqualTo(TransitionAge.DUE);
  }

  @Test
  void seventeenYearsSixMonthsIsDueOnTheDay() {
    assertThat(TransitionAge.of(bornAged(17, 6, 0), TODAY, NO_HORIZON))
        .isEqualTo(TransitionAge.DUE);
  }

  @Test
  void theDayBeforeTheEighteenthBirthdayIsStillDue() {
    assertThat(TransitionAge.of(bornAged(18, 0, 0).plusDays(1), TODAY, NINETY_DAYS))
        .isEqualTo(TransitionAge.DUE);
  }

  @Test
  void eighteenOnTheDayIsOverdue() {
    assertThat(TransitionAge.of(bornAged(18, 0, 0), TODAY, NINETY_DAYS))
        .isEqualTo(TransitionAge.OVERDUE);
  }

  @Test
  void theHorizonIsInclusiveToTheDay() {
    LocalDate startsAtHorizon = TODAY.plusDays(90).minusYears(17).minusMonths(6);

    assertThat(TransitionAge.of(startsAtHorizon, TODAY, NINETY_DAYS)).isEqualTo(TransitionAge.DUE);
    assertThat(TransitionAge.of(startsAtHorizon.plusDays(1), TODAY, NINETY_DAYS))
        .isEqualTo(TransitionAge.NOT_YET);
  }

  @Test
  void aBirthdayOnTheTwentyNinthOfFebruaryStartsThePathwayOnTheLastDayOfAugust() {
    assertThat(TransitionAge.pathwayStart(LocalDate.of(2008, 2, 29)))
        .isEqualTo(LocalDate.of(2025, 8, 29));
  }
}
