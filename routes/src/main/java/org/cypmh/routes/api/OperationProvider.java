package org.cypmh.routes.api;

/**
 * Marks a bean of HAPI {@code @Operation} methods the routing engine offers operators (e.g. {@code
 * $deliveries}, {@code $replay}); the application registers every such bean on its FHIR server.
 */
public interface OperationProvider {}
