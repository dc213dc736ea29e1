package org.cypmh.gateway.security;

import ca.uhn.fhir.context.FhirContext;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;

/**
 * The security filter chains: the OAuth2 token endpoint (Spring Authorization Server, client
 * credentials with {@code private_key_jwt}), and everything else, where a partner authenticates by
 * client certificate or bearer token (enforced mode) or is named by the ODS header (trusted-header
 * mode).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {

  @Bean
  CertificateAuthority certificateAuthority(SecurityProperties properties) {
    return new CertificateAuthority(properties.pkiDir());
  }

  @Bean
  MutualTlsConnector mutualTlsConnector(
      SecurityProperties properties, CertificateAuthority authority, DemoCredentials demo) {
    demo.ensureGenerated();
    return new MutualTlsConnector(properties.mtls(), authority);
  }

  @Bean
  RegisteredClientRepository registeredClients(
      PartnerRegistry registry, SecurityProperties properties) {
    return new RegisteredClients(registry, properties.tokens().accessTokenTtl());
  }

  @Bean
  OAuth2AuthorizationService authorizations() {
    return new StatelessAuthorizations();
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings() {
    // No fixed issuer: it is the URL the partner called (HTTP or the mTLS port), which a client
    // assertion's aud may name.
    return AuthorizationServerSettings.builder().build();
  }

  /**
   * The key that signs access tokens, from its keystore ({@code tokens.signing-keystore}): tokens
   * survive a restart and every node with the same keystore accepts them.
   */
  @Bean
  JWKSource<SecurityContext> accessTokenKeys(SecurityProperties properties) {
    return new ImmutableJWKSet<>(TokenSigningKeys.load(properties.tokens()));
  }

  @Bean
  JwtDecoder accessTokenDecoder(JWKSource<SecurityContext> keys) {
    return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
  }

  @Bean
  @Order(1)
  SecurityFilterChain tokenEndpoint(
      HttpSecurity http,
      PartnerRegistry registry,
      RegisteredClientRepository clients,
      OAuth2AuthorizationService authorizations,
      ClientAssertionReplay replay)
      throws Exception {
    ClientAssertionKeys assertionKeys = new ClientAssertionKeys(registry, replay);
    OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
    http.securityMatcher(server.getEndpointsMatcher())
        .with(
            server,
            configurer ->
                configurer
                    .registeredClientRepository(clients)
                    .authorizationService(authorizations)
                    .clientAuthentication(
                        authentication ->
                            authentication.authenticationProviders(
                                providers ->
                                    providers.forEach(
                                        provider -> {
                                          if (provider
                                              instanceof
                                              JwtClientAssertionAuthenticationProvider jwt) {
                                            jwt.setJwtDecoderFactory(assertionKeys);
                                          }
                                        }))))
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain partnerApi(
      HttpSecurity http,
      SecurityProperties properties,
      PartnerRegistry registry,
      CertificateAuthority authority,
      JwtDecoder accessTokens,
      FhirContext fhirContext,
      Clock clock)
      throws Exception {
    RefusalResponses refusals = new RefusalResponses(fhirContext);
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .addFilterAfter(new CallerBinding(properties.mode()), AuthorizationFilter.class);
    if (properties.mode() == SecurityProperties.Mode.TRUSTED_HEADER) {
      http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
      return http.build();
    }
    ClientCertificateAuthentication certificates =
        new ClientCertificateAuthentication(
            registry,
            new RevocationList(
                authority,
                new TrustedIssuers(authority, properties.mtls().trustedCas()),
                properties.mtls().crls(),
                clock),
            refusals);
    http.authorizeHttpRequests(
            requests ->
                requests
                    .dispatcherTypeMatchers(DispatcherType.ERROR)
                    .permitAll()
                    // Discovery is public (SMART backend services read it before any credential);
                    // every other anonymous request is 401, never 403.
                    .requestMatchers(HttpMethod.GET, "/fhir/metadata")
                    .permitAll()
                    .requestMatchers(HttpMethod.GET, SmartConfiguration.PATHS)
                    .permitAll()
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers("/admin/**", "/actuator/**")
                    .hasRole(PartnerRole.ADMIN.name())
                    .anyRequest()
                    .authenticated())
        .oauth2ResourceServer(
            resourceServer ->
                resourceServer
                    .authenticationEntryPoint(refusals)
                    .accessDeniedHandler(refusals)
                    .jwt(
                        jwt ->
                            jwt.decoder(accessTokens)
                                .jwtAuthenticationConverter(token -> bearer(token, registry))))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(refusals).accessDeniedHandler(refusals))
        .addFilterAfter(certificates, BearerTokenAuthenticationFilter.class)
        .addFilterAfter(
            new PartnerRateLimit(properties.rateLimit().requestsPerMinute(), refusals),
            ClientCertificateAuthentication.class);
    return http.build();
  }

  /** A bearer token's partner, with the scopes the token was granted that it still holds. */
  private static PartnerAuthentication bearer(Jwt token, PartnerRegistry registry) {
    PartnerRegistration partner =
        registry
            .byClientId(token.getSubject())
            .orElseThrow(
                () -> new InvalidBearerTokenException("The token's client is not registered"));
    Set<String> granted = new HashSet<>();
    Object scope = token.getClaims().get("scope");
    if (scope instanceof Iterable<?> values) {
      values.forEach(value -> granted.add(value.toString()));
    } else if (scope instanceof String text) {
      granted.addAll(Set.of(text.split(" ")));
    }
    granted.retainAll(partner.scopes());
    return new PartnerAuthentication(partner, granted, AuthMethod.PRIVATE_KEY_JWT);
  }
}
