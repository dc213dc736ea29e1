package org.cypmh.gateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionDecoderFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Verifies a partner's client assertion (RFC 7523) with the public keys in its registration, not a
 * JWK Set URL: Spring Authorization Server's standard checks ({@code iss} = {@code sub} = client
 * id, {@code aud} = this server or its token endpoint, {@code exp}) and then, only for an assertion
 * that passed them, the one-use {@code jti} check.
 */
final class ClientAssertionKeys implements JwtDecoderFactory<RegisteredClient> {

  // SMART backend services: servers SHALL support RS384 and ES384; the others are common.
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.PS256);

  private final PartnerRegistry registry;
  private final ClientAssertionReplay replay;

  ClientAssertionKeys(PartnerRegistry registry, ClientAssertionReplay replay) {
    this.registry = registry;
    this.replay = replay;
  }

  /** The JWS algorithms a client assertion may be signed with, sorted (for discovery). */
  static List<String> algorithmNames() {
    return ALGORITHMS.stream().map(JWSAlgorithm::getName).sorted().toList();
  }

  @Override
  public JwtDecoder createDecoder(RegisteredClient client) {
    PartnerRegistration partner =
        registry
            .byClientId(client.getClientId())
            .orElseThrow(() -> new JwtException("Unknown client"));
    JWKSet keys;
    try {
      keys = JWKSet.parse(partner.jwks());
    } catch (ParseException e) {
      throw new JwtException("The partner's registered keys are unreadable");
    }
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
    // Claims are checked by the validators below (Spring's), not twice.
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    OAuth2TokenValidator<Jwt> standard =
        JwtClientAssertionDecoderFactory.DEFAULT_JWT_VALIDATOR_FACTORY.apply(client);
    decoder.setJwtValidator(
        assertion -> {
          OAuth2TokenValidatorResult result = standard.validate(assertion);
          if (result.hasErrors()) {
            return result;
          }
          return replay.firstUse(client.getClientId(), assertion)
              ? OAuth2TokenValidatorResult.success()
              : OAuth2TokenValidatorResult.failure(
                  List.of(
                      new OAuth2Error(
                          "invalid_client",
                          "The client assertion's jti was used before, or it has none, or it lives"
                              + " too long",
                          null)));
        });
    return decoder;
  }
}
