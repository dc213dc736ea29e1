package org.cypmh.gateway.measures;

import java.time.LocalDate;
import java.time.Period;

/**
 * What the equality breakdowns need of a young person, read once per figure run.
 *
 * @param birthDate null if not recorded: the person cannot be placed in an age band or counted by
 *     age, and is counted as lacking data
 * @param gender FHIR administrative gender code, or null if not recorded
 * @param ethnicity NHS Data Dictionary ethnic category code (UK Core extension), or null
 * @param transitionPlanAgreed an agreed transition plan (which the gateway shares with the GP and
 *     adult services) is on record
 */
record Person(LocalDate birthDate, String gender, String ethnicity, boolean transitionPlanAgreed) {

  static final String NOT_RECORDED = "not recorded";

  static final Person UNKNOWN = new Person(null, null, null, false);

  Integer ageOn(LocalDate day) {
    return birthDate == null ? null : Period.between(birthDate, day).getYears();
  }

  /** The age band used by the plans' equality breakdowns (CYP services run to 25). */
  String ageBandOn(LocalDate day) {
    Integer age = ageOn(day);
    if (age == null) {
      return NOT_RECORDED;
    }
    if (age <= 5) {
      return "0-5";
    }
    if (age <= 10) {
      return "6-10";
    }
    if (age <= 15) {
      return "11-15";
    }
    if (age <= 17) {
      return "16-17";
    }
    return age <= 25 ? "18-25" : "26+";
  }

  String genderOrNotRecorded() {
    return gender == null ? NOT_RECORDED : gender;
  }

  String ethnicityOrNotRecorded() {
    return ethnicity == null ? NOT_RECORDED : ethnicity;
  }
}
