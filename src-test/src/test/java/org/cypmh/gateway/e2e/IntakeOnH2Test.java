package org.cypmh.gateway.e2e;

/** Intake on the embedded default (H2). */
@EmbeddedGateway
class IntakeOnH2Test extends IntakeBehaviour {}
