package org.cypmh.gateway.measures;

import java.util.List;

/**
 * Nearest-rank percentiles, the method NHS England's waiting-time statistics publish (no
 * interpolation, so every figure is a wait some young person actually had).
 */
final class Percentiles {

  private Percentiles() {}

  /**
   * @param sorted ascending values, not empty
   * @param percentile 1 to 100
   * @return the value at rank ceil(percentile / 100 x n)
   */
  static long nearestRank(List<Long> sorted, int percentile) {
    if (sorted.isEmpty() || percentile < 1 || percentile > 100) {
      throw new IllegalArgumentException("values must not be empty; percentile in 1..100");
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
    return sorted.get(rank - 1);
  }
}
