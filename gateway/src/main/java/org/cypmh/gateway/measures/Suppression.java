package org.cypmh.gateway.measures;

/**
 * Small-number suppression: a count from 1 to {@code threshold - 1} is withheld, with every number
 * that could give it back (the percentage, the wait percentiles of that group). Zero is published:
 * it identifies nobody. Applied to every figure before it leaves the gateway, in FHIR and CSV
 * alike.
 */
final class Suppression {

  private final int threshold;

  Suppression(int threshold) {
    this.threshold = threshold;
  }

  Figure apply(Figure figure) {
    Long missing = small(figure.missing()) ? null : figure.missing();
    if (!small(figure.denominator()) && !small(figure.numerator())) {
      return new Figure(
          figure.measure(),
          figure.group(),
          figure.stratifier(),
          figure.stratum(),
          figure.denominator(),
          figure.numerator(),
          figure.score(),
          figure.unit(),
          missing,
          figure.suppressed());
    }
    return new Figure(
        figure.measure(),
        figure.group(),
        figure.stratifier(),
        figure.stratum(),
        null,
        null,
        null,
        figure.unit(),
        missing,
        true);
  }

  private boolean small(Long count) {
    return count != null && count > 0 && count < threshold;
  }
}
