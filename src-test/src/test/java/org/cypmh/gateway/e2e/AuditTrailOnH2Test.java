package org.cypmh.gateway.e2e;

/** The audit trail on the embedded default (H2). */
@EmbeddedGateway
class AuditTrailOnH2Test extends AuditTrailBehaviour {}
