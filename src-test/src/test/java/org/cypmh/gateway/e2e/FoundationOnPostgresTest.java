package org.cypmh.gateway.e2e;

/** The production storage: PostgreSQL, with a schema the gateway created itself. */
@PostgresGateway
class FoundationOnPostgresTest extends FoundationBehaviour {}
