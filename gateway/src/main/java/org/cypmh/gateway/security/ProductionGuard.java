package org.cypmh.gateway.security;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The {@code prod} profile refuses to start with anything that is only fit for a demo: demo
 * credentials, the demo partner network, a partner registered with a demo client id, trusted-header
 * mode, the mutual-TLS port off, the dev CA's server certificate, plain HTTP on the main port, or
 * no token signing keystore of its own (one generated at start would differ from node to node).
 */
@Component
@Profile("prod")
class ProductionGuard implements InitializingBean {

  private final SecurityProperties properties;
  private final PartnerRegistry registry;
  private final ServerProperties server;
  private final boolean demoPartners;

  ProductionGuard(
      SecurityProperties properties,
      PartnerRegistry registry,
      ServerProperties server,
      @Value("${gateway.demo-partners.enabled:false}") boolean demoPartners) {
    this.properties = properties;
    this.registry = registry;
    this.server = server;
    this.demoPartners = demoPartners;
  }

  @Override
  public void afterPropertiesSet() {
    List<String> problems = new ArrayList<>();
    if (properties.demo()) {
      problems.add("gateway.security.demo must be false (demo credentials)");
    }
    if (demoPartners) {
      problems.add(
          "gateway.demo-partners.enabled must be false (the simulated demo partner network)");
    }
    if (registry.configuredClientIds().stream()
        .anyMatch(clientId -> clientId.startsWith("demo-"))) {
      problems.add("gateway.security.partners: demo-* partners are demo credentials");
    }
    if (properties.mode() != SecurityProperties.Mode.ENFORCED) {
      problems.add("gateway.security.mode must be enforced");
    }
    if (!properties.mtls().enabled()) {
      problems.add("gateway.security.mtls.enabled must be true (TLS)");
    }
    if (properties.mtls().serverKeyStore() == null) {
      problems.add("gateway.security.mtls.server-key-store must be the gateway's own certificate");
    }
    if (properties.tokens().generateSigningKeystore()) {
      problems.add(
          "gateway.security.tokens.generate-signing-keystore must be false: every node is given"
              + " the same token signing keystore");
    }
    if (!Files.exists(properties.tokens().signingKeystore())) {
      problems.add(
          "gateway.security.tokens.signing-keystore "
              + properties.tokens().signingKeystore()
              + " must exist (the access-token signing key)");
    }
    if (server.getSsl() == null || !server.getSsl().isEnabled()) {
      problems.add("server.ssl.enabled must be true: no plain HTTP in production (TLS)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "The prod profile refuses to start: " + String.join("; ", problems));
    }
  }
}
