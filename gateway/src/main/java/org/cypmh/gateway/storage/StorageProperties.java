package org.cypmh.gateway.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the gateway keeps its data.
 *
 * @param dataDir root folder for the embedded H2 database and the Lucene full-text index (default
 *     {@code ./data}); both survive a restart. Absolute, or relative starting with {@code ./}: H2
 *     refuses implicitly relative paths.
 * @param searchIndexDir folder of the Hibernate Search Lucene index (default {@code
 *     <data-dir>/lucene}).
 */
@Validated
@ConfigurationProperties("gateway.storage")
public record StorageProperties(
    @NotBlank
        @Pattern(
            regexp = "^(/|\\./|\\.\\./|~/|[A-Za-z]:[\\\\/]).*",
            message = "must be absolute or start with ./ (e.g. ./data)")
        String dataDir,
    @NotBlank String searchIndexDir) {}
