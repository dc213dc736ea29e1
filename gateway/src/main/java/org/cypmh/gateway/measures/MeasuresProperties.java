package org.cypmh.gateway.measures;

import jakarta.validation.constraints.Min;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Referral measures ({@code gateway.measures.*}).
 *
 * @param suppressionThreshold counts from 1 to this minus one are withheld from every published
 *     figure (and what would give them back); default 5
 * @param eatingDisorderServiceTypes {@code cypmh-service-type} codes whose referrals the
 *     eating-disorder waiting-time measures count; default {@code camhs-eating-disorders,
 *     vcse-eating-disorders}
 */
@Validated
@ConfigurationProperties("gateway.measures")
public record MeasuresProperties(
    @Min(1) Integer suppressionThreshold, Set<String> eatingDisorderServiceTypes) {

  public MeasuresProperties {
    suppressionThreshold = suppressionThreshold == null ? 5 : suppressionThreshold;
    eatingDisorderServiceTypes =
        eatingDisorderServiceTypes == null || eatingDisorderServiceTypes.isEmpty()
            ? Set.of("camhs-eating-disorders", "vcse-eating-disorders")
            : Set.copyOf(eatingDisorderServiceTypes);
  }
}
