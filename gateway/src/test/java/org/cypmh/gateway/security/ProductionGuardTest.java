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
        .hasMessageContaining("server-key-store")
        .hasMessageContaining("server.ssl.enabled");
  }

  @Test
  void trustedHeaderModeIsRefused() {
    SecurityProperties trusted =
        properties(SecurityProperties.Mode.TRUSTED_HEADER, false, dir.resolve("tls.p12"));

    assertThatThrownBy(() -> guard(trusted, https()).afterPropertiesSet())
        .hasMessageContaining("gateway.security.mode must be enforced");
  }

  @Test
  void productionSettingsStart() {
    SecurityProperties production =
        properties(SecurityProperties.Mode.ENFORCED, false, dir.resolve("tls.p12"));

    assertThatCode(() -> guard(production, https()).afterPropertiesSet())
        .doesNotThrowAnyException();
  }

  private SecurityProperties properties(
      SecurityProperties.Mode mode, boolean demo, Path serverKeyStore) {
    return new SecurityProperties(
        mode,
        dir.resolve("pki"),
        new SecurityProperties.Mtls(true, 8443, serverKeyStore, "secret", List.of()),
        new SecurityProperties.Tokens(Duration.ofMinutes(5), Duration.ofMinutes(5)),
        new SecurityProperties.RateLimit(600),
        demo,
        Map.of());
  }

  private static ProductionGuard guard(SecurityProperties properties, ServerProperties server) {
    PartnerRegistry registry =
        new PartnerRegistry(
            properties, new DemoCredentials(properties), new ObjectMapper(), Clock.systemUTC());
    return new ProductionGuard(properties, registry, server);
  }

  private static ServerProperties https() {
    ServerProperties server = new ServerProperties();
    Ssl ssl = new Ssl();
    ssl.setEnabled(true);
    server.setSsl(ssl);
    return server;
  }
}
