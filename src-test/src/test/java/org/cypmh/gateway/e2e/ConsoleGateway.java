package org.cypmh.gateway.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.cypmh.gateway.GatewayApplication;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * The shared operator-console test context: the embedded default (trusted-header partners, the
 * WireMock partner network) with the local operator account's password known to the tests and an
 * OpenID Connect identity provider ({@link ConsoleSignIn}). Every console test class uses it, so
 * the gateway boots once for all of them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@ContextConfiguration(initializers = {PartnerNetwork.class, ConsoleSignIn.class})
@TestPropertySource(
    properties = {
      "gateway.security.mode=trusted-header",
      "gateway.security.mtls.enabled=false",
      // The operator edits route files in the console, kept in the database for every node.
      "routes.files.source=database"
    })
@interface ConsoleGateway {}
