package org.cypmh.gateway.e2e;

/** The default, embedded deployment: H2 file database and local Lucene index. */
@EmbeddedGateway
class FoundationOnH2Test extends FoundationBehaviour {}
