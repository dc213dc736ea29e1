package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * How console tests sign in: the local operator account, whose hash the test puts in the data
 * folder before the first start (the gateway prints a generated one otherwise), and an OpenID
 * Connect identity provider ({@link TestIdentityProvider}) whose {@code roles} claim maps {@code
 * console-operator} to the operator and {@code console-auditor} to the auditor.
 */
class ConsoleSignIn implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final String OPERATOR = "operator";
  static final String PASSWORD = "console-test-password";
  static final String CLIENT_ID = "cypmh-console";
  static final String ROUTE_TESTS = "routes/demo/tests/demo-pathways.yaml";
  static final TestIdentityProvider IDP = TestIdentityProvider.start(CLIENT_ID);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    Path dataDir = Path.of("target/e2e-data/console-" + UUID.randomUUID());
    try {
      Path hash = dataDir.resolve("console/local-operator.hash");
      Files.createDirectories(hash.getParent());
      Files.writeString(
          hash, PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(PASSWORD));
      // The demo route test cases beside this context's route files (PartnerNetwork's copy), for
      // the console's "Run the route tests"; there before the start, so never taken for routes.
      Path tests = Path.of(context.getEnvironment().getRequiredProperty("routes.folder"), "tests");
      Files.createDirectories(tests);
      try (InputStream in = ConsoleSignIn.class.getClassLoader().getResourceAsStream(ROUTE_TESTS)) {
        Files.copy(in, tests.resolve("demo-pathways.yaml"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "console-sign-in",
                Map.of(
                    "gateway.storage.data-dir", "./" + dataDir,
                    "gateway.console.oidc.issuer-uri", IDP.issuer(),
                    "gateway.console.oidc.client-id", CLIENT_ID,
                    "gateway.console.oidc.client-secret", "test-secret",
                    "gateway.console.oidc.display-name", "Sign in with the ICS identity provider",
                    "gateway.console.oidc.role-claim", "roles",
                    "gateway.console.oidc.operator-values", "console-operator",
                    "gateway.console.oidc.auditor-values", "console-auditor")));
  }
}
