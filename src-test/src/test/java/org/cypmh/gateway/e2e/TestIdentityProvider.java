package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenID Connect identity provider, as NHS CIS2 or an ICS's IdP would be, served by WireMock:
 * discovery document, JWKS, an authorization endpoint that signs the user in at once and a token
 * endpoint answering an id token signed with a test RSA key. The nonce travels in the code, so the
 * id token carries the nonce the gateway asked for. The test chooses who signs in next ({@link
 * #nextUser}).
 */
final class TestIdentityProvider {

  private final WireMockServer server;
  private final String clientId;
  private final RSAKey key;
  private final AtomicReference<SignedInUser> next = new AtomicReference<>();

  /** The person the IdP signs in next: a subject and the values of its {@code roles} claim. */
  record SignedInUser(String subject, List<String> roles) {}

  private TestIdentityProvider(String clientId) {
    this.clientId = clientId;
    try {
      this.key = new RSAKeyGenerator(2048).keyID("test-idp").generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    this.server =
        new WireMockServer(
            WireMockConfiguration.options().dynamicPort().extensions(new IdTokens()));
  }

  static TestIdentityProvider start(String clientId) {
    TestIdentityProvider idp = new TestIdentityProvider(clientId);
    idp.server.start();
    idp.stub();
    return idp;
  }

  String issuer() {
    return "http://localhost:" + server.port() + "/idp";
  }

  void nextUser(String subject, String... roles) {
    next.set(new SignedInUser(subject, List.of(roles)));
  }

  private void stub() {
    server.stubFor(
        get(urlPathEqualTo("/idp/.well-known/openid-configuration"))
            .willReturn(
                okJson(
                    """
                    {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize",
                     "token_endpoint":"%1$s/token","jwks_uri":"%1$s/jwks",
                     "response_types_supported":["code"],"subject_types_supported":["public"],
                     "id_token_signing_alg_values_supported":["RS256"],
                     "scopes_supported":["openid","profile"],
                     "token_endpoint_auth_methods_supported":["client_secret_basic"]}
                    """
                        .formatted(issuer()))));
    server.stubFor(
        get(urlPathEqualTo("/idp/jwks"))
            .willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
    // Signs the user in at once and sends the browser back with a code that carries the nonce.
    server.stubFor(
        get(urlPathEqualTo("/idp/authorize"))
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader(
                        "Location",
                        "{{request.query.redirect_uri}}?code={{urlEncode request.query.nonce}}"
                            + "&state={{urlEncode request.query.state}}")
                    .withTransformers("response-template")));
    server.stubFor(
        post(urlPathEqualTo("/idp/token")).willReturn(aResponse().withTransformers("id-tokens")));
  }

  /** The token endpoint: an id token for {@link #nextUser}, with the nonce from the code. */
  private final class IdTokens implements ResponseDefinitionTransformerV2 {

    @Override
    public ResponseDefinition transform(ServeEvent event) {
      String nonce = null;
      for (String pair : event.getRequest().getBodyAsString().split("&")) {
        if (pair.startsWith("code=")) {
          nonce = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
        }
      }
      SignedInUser user = next.get();
      Instant now = Instant.now();
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(issuer())
              .subject(user.subject())
              .audience(clientId)
              .issueTime(Date.from(now))
              .expirationTime(Date.from(now.plusSeconds(300)))
              .claim("nonce", nonce)
              .claim("name", user.subject())
              .claim("roles", user.roles())
              .build();
      SignedJWT idToken =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
      try {
        idToken.sign(new RSASSASigner(key));
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return ResponseDefinition.okForJson(
          java.util.Map.of(
              "access_token", "test-access-token",
              "token_type", "Bearer",
              "expires_in", 300,
              "scope", "openid profile",
              "id_token", idToken.serialize()));
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return "id-tokens";
    }
  }
}
