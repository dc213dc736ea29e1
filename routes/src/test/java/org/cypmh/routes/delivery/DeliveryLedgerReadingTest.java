package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.cypmh.routes.delivery.Delivery.Status;
import org.junit.jupiter.api.Test;

class DeliveryLedgerReadingTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

  @Test
  void countsEachStatusAndAgesTheOldestPendingDelivery() {
    DeliveryLedgerReading reading =
        DeliveryLedgerReading.of(
            List.of(
                new Object[] {Status.PENDING, 3L, NOW.minusSeconds(90)},
                new Object[] {Status.DEAD, 2L, NOW.minusSeconds(9000)},
                new Object[] {Status.WITHHELD, 1L, NOW.minusSeconds(60)}));

    assertThat(reading.count(Status.PENDING)).isEqualTo(3);
    assertThat(reading.count(Status.DEAD)).isEqualTo(2);
    assertThat(reading.count(Status.WITHHELD)).isEqualTo(1);
    assertThat(reading.count(Status.DELIVERED)).isZero();
    // Only pending deliveries wait: the old dead letter does not age the backlog.
    assertThat(reading.oldestPendingAge(NOW)).isEqualTo(90.0);
  }

  @Test
  void anEmptyBacklogHasNoAge() {
    assertThat(DeliveryLedgerReading.of(List.of()).oldestPendingAge(NOW)).isZero();
  }
}
