package org.cypmh.gateway.fhir;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The FHIR REST endpoint.
 *
 * @param serverAddress public base URL written into links and Location headers (e.g. {@code
 *     https://gateway.example.nhs.uk/fhir}); unset: taken from each request.
 * @param defaultPageSize search results per page when the client gives no {@code _count}.
 * @param maxPageSize largest {@code _count} honoured.
 * @param maxRequestSize largest request body accepted; larger bodies get 413 (default 5MB).
 * @param maxBundleEntries most entries in a transaction or batch Bundle; more get 413 before any
 *     entry runs (a Bundle of thousands of searches is a cheap way to tie the server up).
 * @param resourceTypes the FHIR resource types the gateway stores and serves; any other type is
 *     answered 404. Keeping the list to what the gateway uses keeps start-up fast and the API
 *     small.
 */
@Validated
@ConfigurationProperties("gateway.fhir")
public record FhirServerProperties(
    URI serverAddress,
    @Min(1) @Max(1000) int defaultPageSize,
    @Min(1) @Max(5000) int maxPageSize,
    @NotNull DataSize maxRequestSize,
    @DefaultValue("500") @Min(1) int maxBundleEntries,
    @NotEmpty Set<String> resourceTypes) {}
