package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access-token signing keystore: generated once, the same key on every load. */
class TokenSigningKeysTest {

  @TempDir Path dir;

  @Test
  void generatedOnceThenTheSameKeyOnEveryLoad() throws Exception {
    SecurityProperties.Tokens settings = tokens(dir.resolve("pki/token-signing.p12"), "", true);

    JWKSet first = TokenSigningKeys.load(settings);
    JWKSet again = TokenSigningKeys.load(settings);

    RSAKey key = first.getKeys().get(0).toRSAKey();
    assertThat(key.isPrivate()).isTrue();
    assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
    assertThat(again.getKeys().get(0).toRSAKey().toRSAPublicKey()).isEqualTo(key.toRSAPublicKey());
    assertThat(again.getKeys().get(0).getKeyID()).isEqualTo(key.getKeyID());
    assertThat(dir.resolve("pki/token-signing.p12.password")).exists();
  }

  @Test
  void aConfiguredPasswordIsUsedAndAWrongOneRefused() {
    Path keystore = dir.resolve("token-signing.p12");
    TokenSigningKeys.load(tokens(keystore, "right", true));

    assertThat(TokenSigningKeys.load(tokens(keystore, "right", false)).getKeys()).hasSize(1);
    assertThatThrownBy(() -> TokenSigningKeys.load(tokens(keystore, "wrong", false)))
        .hasMessageContaining("gateway.security.tokens.signing-keystore");
  }

  @Test
  void withoutGenerationAMissingKeystoreStopsTheStart() {
    assertThatThrownBy(
            () -> TokenSigningKeys.load(tokens(dir.resolve("missing.p12"), "secret", false)))
        .hasMessageContaining("does not exist")
        .hasMessageContaining("generate-signing-keystore is false");
  }

  @Test
  void theDefaultKeystoreIsInThePkiDir() {
    SecurityProperties properties =
        new SecurityProperties(
            SecurityProperties.Mode.ENFORCED,
            dir.resolve("pki"),
            new SecurityProperties.Mtls(true, 0, null, null, null, null),
            new SecurityProperties.Tokens(
                Duration.ofMinutes(5), Duration.ofMinutes(5), null, null, true),
            new SecurityProperties.RateLimit(600),
            false,
            null,
            Duration.ofSeconds(5));

    assertThat(properties.tokens().signingKeystore())
        .isEqualTo(dir.resolve("pki").resolve("token-signing.p12"));
  }

  private static SecurityProperties.Tokens tokens(
      Path keystore, String password, boolean generate) {
    return new SecurityProperties.Tokens(
        Duration.ofMinutes(5), Duration.ofMinutes(5), keystore, password, generate);
  }
}
