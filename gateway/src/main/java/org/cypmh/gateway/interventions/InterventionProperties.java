package org.cypmh.gateway.interventions;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Brief interventions ({@code gateway.interventions.*}).
 *
 * @param summaryPeriod interventions recorded for a young person within one period (aligned to UTC,
 *     e.g. {@code P1D}: each day) go to their CAMHS service and GP as one summary when the period
 *     ends; {@code PT0S}: each intervention as soon as it is recorded
 * @param partners how each partner organisation (by ODS code) codes its interventions
 */
@Validated
@ConfigurationProperties("gateway.interventions")
public record InterventionProperties(
    @NotNull Duration summaryPeriod, Map<String, @Valid PartnerCoding> partners) {

  public InterventionProperties {
    // ODS codes are case-insensitive; configuration keys may come in either case.
    partners =
        partners == null
            ? Map.of()
            : partners.entrySet().stream()
                .collect(
                    java.util.stream.Collectors.toUnmodifiableMap(
                        e -> e.getKey().toUpperCase(), Map.Entry::getValue));
  }

  /** A partner's coding, or none (SNOMED CT only) if it is not configured. */
  public PartnerCoding codingOf(String odsCode) {
    return odsCode == null
        ? PartnerCoding.SNOMED_ONLY
        : partners.getOrDefault(odsCode.toUpperCase(), PartnerCoding.SNOMED_ONLY);
  }

  /**
   * @param conceptMaps canonical URLs of the ConceptMaps from the partner's local codes to SNOMED
   *     CT, tried in order
   * @param acceptUnmapped true: an intervention whose local code has no SNOMED CT translation is
   *     stored, flagged {@link LocalCodeTranslation#UNMAPPED_FLAG}, and left out of SNOMED-based
   *     reporting until mapped; false (the default): it is refused with 422
   */
  public record PartnerCoding(List<String> conceptMaps, boolean acceptUnmapped) {

    static final PartnerCoding SNOMED_ONLY = new PartnerCoding(List.of(), false);

    public PartnerCoding {
      conceptMaps = conceptMaps == null ? List.of() : List.copyOf(conceptMaps);
    }
  }
}
