package org.cypmh.gateway.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared embedded-gateway test context: every end-to-end test class that uses it with the same
 * {@code @SpringBootTest} settings gets the one cached Spring context, so the gateway boots once.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@TestPropertySource(properties = {"gateway.storage.data-dir=./target/e2e-data/embedded"})
@interface EmbeddedGateway {}
