package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Which node may attempt a delivery, as its row says: the lease holder, or anyone once it is due;
 * never before a scheduled retry.
 */
class DeliveryLeaseTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final Delivery delivery = TestDeliveries.permittedReferral("route", "camhs-crisis");

  @Test
  void onlyTheHolderMayAttemptWhileTheLeaseRuns() {
    delivery.leased("a", NOW.plusSeconds(30));
    assertThat(delivery.attemptableBy("a", NOW)).isTrue();
    assertThat(delivery.attemptableBy("b", NOW)).isFalse();
  }

  @Test
  void anyNodeMayTakeOverOnceTheLeaseHasRunOut() {
    delivery.leased("a", NOW.plusSeconds(30));
    assertThat(delivery.attemptableBy("b", NOW.plusSeconds(30))).isTrue();
  }

  @Test
  void aScheduledRetryIsNobodysUntilItIsDue() {
    delivery.attempted("a", NOW.plusSeconds(30));
    delivery.scheduled(NOW.plusSeconds(8));
    assertThat(delivery.attempts()).isEqualTo(1);
    assertThat(delivery.leasedBy()).isNull();
    assertThat(delivery.nextAttemptAt()).isEqualTo(NOW.plusSeconds(8));
    assertThat(delivery.attemptableBy("a", NOW)).isFalse();
    assertThat(delivery.attemptableBy("b", NOW.plusSeconds(8))).isTrue();
  }

  @Test
  void aReplayStartsAFreshBudgetButKeepsCountingCalls() {
    delivery.attempted("a", NOW);
    delivery.attempted("a", NOW);
    delivery.dead("503", NOW);
    assertThat(delivery.attemptableBy("a", NOW)).isFalse();
    delivery.replay(NOW);
    delivery.attempted("b", NOW.plusSeconds(30));
    assertThat(delivery.attempts()).isEqualTo(3);
    assertThat(delivery.attemptsInBudget()).isEqualTo(1);
  }
}
