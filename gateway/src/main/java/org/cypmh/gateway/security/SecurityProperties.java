package org.cypmh.gateway.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Partner authentication and authorisation ({@code gateway.security.*}).
 *
 * @param mode {@code enforced} (default): every request to {@code /fhir} and {@code /admin} needs a
 *     registered partner's client certificate or access token; {@code trusted-header}: the {@code
 *     NHSD-End-User-Organisation-ODS} header names the partner and no header is the operator (only
 *     behind a trusted proxy that authenticates partners itself, or in tests).
 * @param pkiDir folder of the gateway's CA, its server certificate, issued certificates and the
 *     revocation list.
 * @param mtls the mutual-TLS HTTPS port.
 * @param tokens the OAuth2 token endpoint.
 * @param rateLimit requests per partner.
 * @param demo generate the dev CA and demo partner credentials on first start (embedded default
 *     only; the {@code prod} profile refuses to start with it on).
 * @param partners partners registered by configuration, by client id.
 * @param partnerRefresh how often each node re-reads the partners registered through the admin API
 *     (so registrations and removals made on another node take effect within it).
 */
@Validated
@ConfigurationProperties("gateway.security")
public record SecurityProperties(
    @DefaultValue("enforced") @NotNull Mode mode,
    @NotNull Path pkiDir,
    @Valid @NotNull @DefaultValue Mtls mtls,
    @Valid @NotNull @DefaultValue Tokens tokens,
    @Valid @NotNull @DefaultValue RateLimit rateLimit,
    @DefaultValue("false") boolean demo,
    @Valid Map<String, Partner> partners,
    @DefaultValue("5s") @NotNull Duration partnerRefresh) {

  public SecurityProperties {
    partners = partners == null ? Map.of() : Map.copyOf(partners);
    if (tokens != null && tokens.signingKeystore() == null && pkiDir != null) {
      tokens = tokens.withSigningKeystore(pkiDir.resolve("token-signing.p12"));
    }
  }

  /** How the gateway knows who is calling. */
  public enum Mode {
    ENFORCED,
    TRUSTED_HEADER
  }

  /**
   * @param enabled open the HTTPS port that asks for client certificates.
   * @param port its port; 0 picks a free one (tests).
   * @param serverKeyStore PKCS#12 with the gateway's TLS key and certificate; empty: the dev CA's
   *     server certificate under {@code pki-dir}.
   * @param serverKeyStorePassword its password.
   * @param trustedCas PEM files of external CAs whose certificates also identify partners (the
   *     gateway's own CA is always trusted).
   * @param crls CRL files (PEM or DER) of those CAs, each signed by the trusted CA that issued it;
   *     re-read when they change. A certificate its issuer's CRL lists is refused.
   */
  public record Mtls(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("8443") @Min(0) @Max(65535) int port,
      Path serverKeyStore,
      String serverKeyStorePassword,
      List<Path> trustedCas,
      List<Path> crls) {

    public Mtls {
      trustedCas = trustedCas == null ? List.of() : List.copyOf(trustedCas);
      crls = crls == null ? List.of() : List.copyOf(crls);
    }
  }

  /**
   * @param accessTokenTtl lifetime of an access token (SMART backend services: at most 5 minutes).
   * @param maxAssertionAge longest a client assertion may live ({@code exp} minus now), so the
   *     replay record ({@code GW_CLIENT_ASSERTION}) only has to keep {@code jti}s that long.
   * @param signingKeystore PKCS#12 with the access-token signing key (RSA, entry {@code
   *     token-signing}); empty: {@code <pki-dir>/token-signing.p12}. Every node must have the same.
   * @param signingKeystorePassword its password; empty with {@code generate-signing-keystore}: a
   *     random one written beside the keystore.
   * @param generateSigningKeystore create the keystore at first start if it is missing (the
   *     embedded default; {@code false} in {@code prod}).
   */
  public record Tokens(
      @DefaultValue("5m") @NotNull Duration accessTokenTtl,
      @DefaultValue("5m") @NotNull Duration maxAssertionAge,
      Path signingKeystore,
      @DefaultValue("") String signingKeystorePassword,
      @DefaultValue("true") boolean generateSigningKeystore) {

    public Tokens {
      signingKeystorePassword = signingKeystorePassword == null ? "" : signingKeystorePassword;
    }

    Tokens withSigningKeystore(Path keystore) {
      return new Tokens(
          accessTokenTtl,
          maxAssertionAge,
          keystore,
          signingKeystorePassword,
          generateSigningKeystore);
    }
  }

  /**
   * @param requestsPerMinute each partner's budget (a token bucket refilled evenly); exceeded: 429
   *     with Retry-After. A partner's own {@code requests-per-minute} overrides it.
   */
  public record RateLimit(@DefaultValue("600") @Min(1) int requestsPerMinute) {}

  /**
   * One partner system registered by configuration.
   *
   * @param odsCode the partner organisation's ODS code (its Organization in the directory).
   * @param role {@code partner} or {@code admin} (the operator: everything, the admin API).
   * @param authMethods {@code mtls} and/or {@code private-key-jwt}.
   * @param certificateSubject the subject DN of its client certificate (as issued by the CLI:
   *     {@code CN=<client id>,OU=<ODS code>}).
   * @param certificateIssuer the issuer DN of that certificate, one of {@code mtls.trusted-cas};
   *     empty: the gateway's own CA.
   * @param certificateFingerprint or the SHA-256 fingerprint of its certificate (hex).
   * @param jwksFile its public keys (JWK Set JSON) for signed client assertions.
   * @param scopes SMART v2 system scopes it may be granted, e.g. {@code system/CarePlan.rs}.
   * @param requestsPerMinute its own rate limit; empty: {@code rate-limit.requests-per-minute}.
   */
  public record Partner(
      @NotNull String odsCode,
      @DefaultValue("partner") @NotNull PartnerRole role,
      @NotNull Set<AuthMethod> authMethods,
      String certificateSubject,
      String certificateIssuer,
      String certificateFingerprint,
      Path jwksFile,
      @DefaultValue List<String> scopes,
      Integer requestsPerMinute) {}
}
