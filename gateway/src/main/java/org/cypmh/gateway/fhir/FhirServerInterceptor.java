package org.cypmh.gateway.fhir;

/**
 * Marks a HAPI interceptor bean (methods annotated with {@code @Hook}) that the gateway registers
 * on the FHIR REST server. Implementing it is all a feature needs to hook into every request.
 */
public interface FhirServerInterceptor {}
