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
 * The one shared test context with the UK Core package installed. It cannot be {@link
 * EmbeddedGateway}: the package folder is read once, when the validator is built at start, so a
 * gateway with UK Core is a different application. Every test needing UK Core shares this one.
 *
 * <p>It also carries the operator's refusal settings the policy tests need (they cannot be changed
 * on a running gateway either): {@code unknown-profile} refused for everyone, and every kind
 * refused for the partner {@value #STRICT_PARTNER}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ContextConfiguration(initializers = {PartnerNetwork.class, UkCorePackage.class})
@TestPropertySource(
    properties = {
      "gateway.storage.data-dir=./target/e2e-data/uk-core-${random.uuid}",
      "gateway.security.mode=trusted-header",
      "gateway.security.mtls.enabled=false",
      "gateway.validation.refuse=unknown-profile",
      "gateway.validation.strict-partners=" + EmbeddedGatewayWithUkCore.STRICT_PARTNER
    })
@interface EmbeddedGatewayWithUkCore {
  String STRICT_PARTNER = "RXY";
}
