package org.cypmh.gateway.security;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import java.text.ParseException;
import java.time.Duration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The token endpoint's view of the partner registry: every partner allowed {@code private_key_jwt}
 * is a client of grant {@code client_credentials}, with its registered scopes and short-lived
 * self-contained (JWT) access tokens. Registration happens in the registry, never here.
 */
final class RegisteredClients implements RegisteredClientRepository {

  private final PartnerRegistry registry;
  private final Duration accessTokenTtl;

  RegisteredClients(PartnerRegistry registry, Duration accessTokenTtl) {
    this.registry = registry;
    this.accessTokenTtl = accessTokenTtl;
  }

  @Override
  public void save(RegisteredClient registeredClient) {
    throw new UnsupportedOperationException("Partners are registered in the partner registry");
  }

  @Override
  public RegisteredClient findById(String id) {
    return findByClientId(id);
  }

  @Override
  public RegisteredClient findByClientId(String clientId) {
    return registry
        .byClientId(clientId)
        .filter(partner -> partner.authMethods().contains(AuthMethod.PRIVATE_KEY_JWT))
        .map(this::client)
        .orElse(null);
  }

  private RegisteredClient client(PartnerRegistration partner) {
    return RegisteredClient.withId(partner.clientId())
        .clientId(partner.clientId())
        .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .scopes(scopes -> scopes.addAll(partner.scopes()))
        .clientSettings(
            ClientSettings.builder()
                .tokenEndpointAuthenticationSigningAlgorithm(algorithmOf(partner.jwks()))
                .build())
        .tokenSettings(
            TokenSettings.builder()
                .accessTokenTimeToLive(accessTokenTtl)
                .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                .build())
        .build();
  }

  private static SignatureAlgorithm algorithmOf(String jwks) {
    try {
      JWK first = JWKSet.parse(jwks).getKeys().get(0);
      return KeyType.EC.equals(first.getKeyType())
          ? SignatureAlgorithm.ES256
          : SignatureAlgorithm.RS256;
    } catch (ParseException | IndexOutOfBoundsException e) {
      return SignatureAlgorithm.ES256;
    }
  }
}
