package org.cypmh.gateway.e2e;

/** Intake on the production storage (PostgreSQL). */
@PostgresGateway
class IntakeOnPostgresTest extends IntakeBehaviour {}
