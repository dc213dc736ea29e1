package org.cypmh.gateway.e2e;

/** Routing and delivery on PostgreSQL: outbox and delivery claims use FOR UPDATE SKIP LOCKED. */
@PostgresGateway
class RoutingOnPostgresTest extends RoutingBehaviour {}
