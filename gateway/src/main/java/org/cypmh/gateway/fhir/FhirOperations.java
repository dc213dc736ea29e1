package org.cypmh.gateway.fhir;

/**
 * Marks a bean holding HAPI {@code @Operation} methods (a plain provider) that the gateway
 * registers on the FHIR REST server, e.g. {@code $process-message}.
 */
public interface FhirOperations {}
