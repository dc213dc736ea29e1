package org.cypmh.routes.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.cypmh.routes.delivery.Delivery.Status;

/**
 * How many deliveries stand in each state, and since when the oldest pending one has waited: one
 * grouped query over the ledger, read for the backlog gauges.
 */
record DeliveryLedgerReading(Map<Status, Long> counts, Instant oldestPending) {

  static final DeliveryLedgerReading EMPTY = new DeliveryLedgerReading(Map.of(), null);

  /** From rows of (status, count, oldest creation time), as the grouped query returns them. */
  static DeliveryLedgerReading of(List<Object[]> rows) {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    Instant oldestPending = null;
    for (Object[] row : rows) {
      Status status = (Status) row[0];
      counts.put(status, ((Number) row[1]).longValue());
      if (status == Status.PENDING) {
        oldestPending = (Instant) row[2];
      }
    }
    return new DeliveryLedgerReading(counts, oldestPending);
  }

  long count(Status status) {
    return counts.getOrDefault(status, 0L);
  }

  /** Seconds the oldest pending delivery has waited since it was stored; 0 when none waits. */
  double oldestPendingAge(Instant now) {
    return oldestPending == null
        ? 0
        : Math.max(0, Duration.between(oldestPending, now).toMillis() / 1000.0);
  }
}
