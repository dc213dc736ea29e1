package org.cypmh.gateway.terminology;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Terminology loaded at start, and where SNOMED CT releases come from and are kept.
 *
 * @param seedSnomed load the packaged SNOMED CT seed subset (default true). It is not loaded anyway
 *     once a SNOMED CT release has been loaded (one is kept in {@code releaseDir}), since the
 *     release then answers for {@code http://snomed.info/sct}.
 * @param importDir folder an operator copies RF2 release zips or folders into before calling {@code
 *     $snomed-load} (default {@code <data-dir>/terminology/import}); the operation reads nothing
 *     outside it.
 * @param releaseDir folder where the RF2 files of the last loaded release are kept (default {@code
 *     <data-dir>/terminology/snomed}); the in-memory SNOMED CT index (ECL, implicit ValueSets,
 *     ranked filters) is rebuilt from them at start.
 */
@Validated
@ConfigurationProperties("gateway.terminology")
public record TerminologyProperties(
    boolean seedSnomed, @NotBlank String importDir, @NotBlank String releaseDir) {}
