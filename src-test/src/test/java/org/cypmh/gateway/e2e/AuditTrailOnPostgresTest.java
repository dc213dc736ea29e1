package org.cypmh.gateway.e2e;

/** The audit trail on PostgreSQL (the production profile, with its own keystore). */
@PostgresGateway
class AuditTrailOnPostgresTest extends AuditTrailBehaviour {}
