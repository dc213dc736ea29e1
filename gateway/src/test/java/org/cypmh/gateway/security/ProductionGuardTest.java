package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.server.Ssl;

/** The prod profile's start-up check, without Spring. */
class ProductionGuardTest {

  @TempDir Path dir;

  @Test
  void demoCredentialsAndPlainHttpAreRefused() {
    SecurityProperties demo = properties(SecurityProperties.Mode.ENFORCED, true, null);

    assertThatThrownBy(() -> guard(demo, new ServerProperties()).afterPropertiesSet())
        .hasMessageContaining("gateway.security.demo must be false")
        .hasMessageContaining("demo-* partners")
        .hasMessageContaining("gateway.security.tokens.generate-signing-keystore must be false")
        .hasMessageContaining("server-key-store")
        .hasMessageContaining("server.ssl.enabled");
  }

  @Test
  void theDemoPartnerNetworkIsRefused() throws Exception {
    SecurityProperties production =
        properties(SecurityProperties.Mode.ENFORCED, false, dir.resolve("tls.p12"));
    java.nio.file.Files.createFile(dir.resolve("token-signing.p12"));
    PartnerRegistry registry =
        new PartnerRegistry(
            production, new DemoCredentials(production), new ObjectMapper(), Clock.systemUTC());

    assertThatThrownBy(
            () -> new ProductionGuard(production, registry, https(), true).afterPropertiesSet())
        .hasMessage(
            "The prod profile refuses to start: gateway.demo-partners.enabled must be false (the"
                + " simulated demo partner network)");
  }

  @Test
  void trustedHeaderModeIsRefused() {
    SecurityProperties trusted =
        properties(SecurityProperties.Mode.TRUSTED_HEADER, false, dir.resolve("tls.p12"));

    assertThatThrownBy(() -> guard(trusted, https()).afterPropertiesSet())
        .hasMessageContaining("gateway.security.mode must be enforced");
  }

  @Test
  void aMissingTokenSigningKeystoreIsRefused() {
    SecurityProperties noTokenKeys =
        properties(SecurityProperties.Mode.ENFORCED, false, dir.resolve("tls.p12"));

    assertThatThrownBy(() -> guard(noTokenKeys, https()).afterPropertiesSet())
        .hasMessageContaining("gateway.security.tokens.signing-keystore")
        .hasMessageContaining("token-signing.p12 must exist");
  }

  @Test
  void productionSettingsStart() throws Exception {
    SecurityProperties production =
        properties(SecurityProperties.Mode.ENFORCED, false, dir.resolve("tls.p12"));
    java.nio.file.Files.createFile(dir.resolve("token-signing.p12"));

    assertThatCode(() -> guard(production, https()).afterPropertiesSet())
        .doesNotThrowAnyException();
  }

  private SecurityProperties properties(
      SecurityProperties.Mode mode, boolean demo, Path serverKeyStore) {
    return properties(mode, demo, serverKeyStore, dir.resolve("token-signing.p12"));
  }

  private SecurityProperties properties(
      SecurityProperties.Mode mode, boolean demo, Path serverKeyStore, Path tokenKeystore) {
    return new SecurityProperties(
        mode,
        dir.resolve("pki"),
        new SecurityProperties.Mtls(true, 8443, serverKeyStore, "secret", List.of(), List.of()),
        new SecurityProperties.Tokens(
            Duration.ofMinutes(5), Duration.ofMinutes(5), tokenKeystore, "secret", demo),
        new SecurityProperties.RateLimit(600),
        demo,
        Map.of(),
        Duration.ofSeconds(5));
  }

  private static ProductionGuard guard(SecurityProperties properties, ServerProperties server) {
    PartnerRegistry registry =
        new PartnerRegistry(
            properties, new DemoCredentials(properties), new ObjectMapper(), Clock.systemUTC());
    return new ProductionGuard(properties, registry, server, false);
  }

  private static ServerProperties https() {
    ServerProperties server = new ServerProperties();
    Ssl ssl = new Ssl();
    ssl.setEnabled(true);
    server.setSsl(ssl);
    return server;
  }
}
