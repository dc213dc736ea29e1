package org.cypmh.gateway.e2e;

/** BaRS messaging on the embedded default (H2), in the shared embedded context. */
@EmbeddedGateway
class BarsMessagingOnH2Test extends BarsMessagingBehaviour {}
