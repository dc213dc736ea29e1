package org.cypmh.gateway.e2e;

import org.springframework.boot.test.context.SpringBootTest;

/** The default, embedded deployment: H2 file database and local Lucene index. */
@SpringBootTest(classes = org.cypmh.gateway.GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@EmbeddedGateway
class FoundationOnH2Test extends FoundationBehaviour {}
