package org.cypmh.gateway.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.cypmh.gateway.GatewayApplication;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared embedded-gateway test context (H2 file database and Lucene index under
 * target/e2e-data/embedded). Every end-to-end test class annotated with it gets the one cached
 * Spring context, so the gateway boots once for all of them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ContextConfiguration(initializers = PartnerNetwork.class)
@TestPropertySource(
    properties = {
      "gateway.storage.data-dir=./target/e2e-data/embedded-${random.uuid}",
      // These tests name the partner with the ODS header; PartnerSecurityTest covers enforced mode.
      "gateway.security.mode=trusted-header",
      "gateway.security.mtls.enabled=false"
    })
@interface EmbeddedGateway {}
