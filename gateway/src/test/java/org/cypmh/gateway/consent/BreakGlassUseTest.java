package org.cypmh.gateway.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a break-glass read opens, and for how long, judged on a fixed clock. */
class BreakGlassUseTest {

  private static final Recipient CRISIS_PARTNER =
      new Recipient(
          "Organization/demo-camhs-trust",
          "RZZ",
          null,
          Set.of("camhs-crisis", "camhs-young-peoples-team"),
          "cyp-nhs",
          "Demo CAMHS trust");

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

  private final BreakGlassUse use =
      new BreakGlassUse(
          CRISIS_PARTNER,
          "Patient/yp",
          "safeguarding",
          "seen at A&E",
          "req-1",
          clock.instant(),
          Duration.ofMinutes(5));

  @Test
  void itOpensTheYoungPersonsRecordsToThatPartnerUntilItsValidityEnds() {
    assertThat(use.expiresAt()).isEqualTo(Instant.parse("2026-11-24T12:05:00Z"));
    assertThat(use.covers("RZZ", "Patient/yp", clock.instant())).isTrue();
    assertThat(use.covers("rzz", "Patient/yp", later(Duration.ofMinutes(4).plusSeconds(59))))
        .isTrue();
  }

  @Test
  void afterItsValidityANewBreakGlassIsNeeded() {
    assertThat(use.covers("RZZ", "Patient/yp", later(Duration.ofMinutes(5)))).isFalse();
    assertThat(use.covers("RZZ", "Patient/yp", later(Duration.ofHours(1)))).isFalse();
  }

  @Test
  void itCoversNoOtherPartnerNorYoungPersonNorTheTimeBeforeIt() {
    assertThat(use.covers("8ZZ03", "Patient/yp", clock.instant())).isFalse();
    assertThat(use.covers("RZZ", "Patient/someone-else", clock.instant())).isFalse();
    assertThat(use.covers("RZZ", "Patient/yp", clock.instant().minusSeconds(1))).isFalse();
  }

  @Test
  void aSignOffNamesTheReviewer() {
    use.signOff("Dr A Reviewer", "appropriate: safeguarding referral made", later(Duration.ZERO));

    assertThat(use.reviewer()).isEqualTo("Dr A Reviewer");
    assertThat(use.reviewNote()).isEqualTo("appropriate: safeguarding referral made");
    assertThat(use.reviewedAt()).isEqualTo(clock.instant());
  }

  private Instant later(Duration duration) {
    return clock.instant().plus(duration);
  }
}
