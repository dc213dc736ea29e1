package org.cypmh.gateway.measures;

import java.math.BigDecimal;

/**
 * One published number: a measure's group, overall or for one stratum of a breakdown.
 *
 * @param measure e.g. {@code cyp-access}
 * @param group e.g. {@code urgent-within-1-week}, {@code median-days}
 * @param stratifier null overall, else {@code provider}, {@code age-band}, {@code gender} or {@code
 *     ethnicity}
 * @param stratum the stratum's value, null overall
 * @param denominator how many were counted (referrals, or young people for access)
 * @param numerator how many of them met the group's condition, null where the group has none
 * @param score the percentage, wait in days or count the group publishes, null when suppressed
 * @param unit {@code %}, {@code d} (days) or {@code {people}}
 * @param missing how many could not be counted because data was missing (see the README); null when
 *     that number is itself small enough to be withheld
 * @param suppressed the counts are withheld: a small number could identify a young person
 */
public record Figure(
    String measure,
    String group,
    String stratifier,
    String stratum,
    Long denominator,
    Long numerator,
    BigDecimal score,
    String unit,
    Long missing,
    boolean suppressed) {}
