package org.cypmh.gateway.terminology;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Terminology loaded at start.
 *
 * @param seedSnomed load the packaged SNOMED CT seed subset (default true). Turn off where a full
 *     SNOMED CT UK edition has been loaded through HAPI's terminology loader, which then answers
 *     for {@code http://snomed.info/sct}.
 */
@Validated
@ConfigurationProperties("gateway.terminology")
public record TerminologyProperties(boolean seedSnomed) {}
