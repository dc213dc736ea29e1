package org.cypmh.gateway.validation;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Profile validation of what partners send.
 *
 * @param enabled validate request bodies against the CYPMH profiles (default true); off only for
 *     the benchmark's bare-HAPI comparison.
 * @param packageDir folder of extra FHIR NPM packages ({@code *.tgz}, e.g. UK Core) loaded at
 *     start; resources claiming their profiles are validated against them. A missing folder means
 *     no extra packages.
 */
@Validated
@ConfigurationProperties("gateway.validation")
public record ValidationProperties(boolean enabled, @NotBlank String packageDir) {}
