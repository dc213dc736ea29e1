package org.cypmh.gateway.e2e;

/** Routing and delivery on the embedded default (H2). */
@EmbeddedGateway
class RoutingOnH2Test extends RoutingBehaviour {}
