package org.cypmh.gateway.validation;

import jakarta.validation.constraints.NotBlank;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Profile validation of what partners send.
 *
 * @param enabled validate request bodies against the CYPMH profiles (default true); off only for
 *     the benchmark's bare-HAPI comparison.
 * @param packageDir folder of extra FHIR NPM packages ({@code *.tgz}, e.g. UK Core) loaded at
 *     start; resources claiming their profiles are validated against them. A missing folder means
 *     no extra packages.
 * @param strict refuse (422) every {@link UnknownContent} kind, for every partner (default false:
 *     what the gateway cannot know is a warning)
 * @param refuse kinds refused for every partner, by tag, e.g. {@code unknown-profile,code-not-held}
 *     (default none)
 * @param strictPartners ODS codes of partners for whom every kind is refused (default none)
 */
@Validated
@ConfigurationProperties("gateway.validation")
public record ValidationProperties(
    @DefaultValue("true") boolean enabled,
    @NotBlank String packageDir,
    boolean strict,
    @DefaultValue Set<UnknownContent> refuse,
    @DefaultValue Set<String> strictPartners) {

  public ValidationProperties {
    refuse = refuse == null ? Set.of() : Set.copyOf(refuse);
    strictPartners =
        strictPartners == null
            ? Set.of()
            : strictPartners.stream()
                .map(s -> s.trim().toUpperCase())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
