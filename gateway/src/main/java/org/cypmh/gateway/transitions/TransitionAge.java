package org.cypmh.gateway.transitions;

import java.time.LocalDate;
import java.time.Period;

/**
 * Where a young person stands on the way to adult services: the CAMHS transition pathway starts at
 * 17 years 6 months; at 18 a young person still with CAMHS has been left in the gap.
 */
enum TransitionAge {
  /** Reaches 17 years 6 months after the horizon: nothing to do yet. */
  NOT_YET,
  /** Reaches 17 years 6 months within the horizon, or has reached it and is under 18. */
  DUE,
  /** 18 or over, still with an open CAMHS referral. */
  OVERDUE;

  static TransitionAge of(LocalDate birthDate, LocalDate today, Period horizon) {
    if (!today.isBefore(adulthood(birthDate))) {
      return OVERDUE;
    }
    return pathwayStart(birthDate).isAfter(today.plus(horizon)) ? NOT_YET : DUE;
  }

  /**
   * The day the transition pathway starts: 17 years 6 months, counted as 210 months in one step
   * (adding years, then months, would move a 29 February birthday back a day twice).
   */
  static LocalDate pathwayStart(LocalDate birthDate) {
    return birthDate.plusMonths(17 * 12 + 6);
  }

  static LocalDate adulthood(LocalDate birthDate) {
    return birthDate.plusYears(18);
  }
}
