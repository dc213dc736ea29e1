package org.cypmh.gateway.console;

import java.nio.file.Path;
import org.cypmh.gateway.storage.StorageProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

/**
 * The console's own filter chain, for people in a browser: a session (cookie {@code Secure}, {@code
 * HttpOnly}, {@code SameSite=Lax}; {@code server.servlet.session.cookie}), CSRF on every form,
 * sign-in with the organisation's OpenID Connect IdP and, on the embedded default, the local
 * operator account. It matches {@code /console/**} only and comes before the partner API chain: a
 * partner's certificate or token is never a console sign-in.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfig {

  static final String LOGIN = "/console/login";
  static final String REGISTRATION_ID = "console-idp";

  @Bean
  @Profile("!prod")
  LocalOperatorAccount localOperatorAccount(StorageProperties storage) {
    return LocalOperatorAccount.in(Path.of(storage.dataDir()));
  }

  @Bean
  @Order(0)
  SecurityFilterChain console(
      HttpSecurity http,
      ConsoleProperties properties,
      ObjectProvider<LocalOperatorAccount> localAccount)
      throws Exception {
    http.securityMatcher("/console", "/console/**")
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers(LOGIN, "/console/console.css")
                    .permitAll()
                    .requestMatchers("/console/audit", "/console/audit/**")
                    .hasAnyRole(ConsoleRole.OPERATOR.role(), ConsoleRole.AUDITOR.role())
                    .anyRequest()
                    .hasRole(ConsoleRole.OPERATOR.role()))
        .requestCache(cache -> cache.requestCache(pageAfterSignIn()))
        .exceptionHandling(
            exceptions ->
                exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(LOGIN)))
        .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN + "?out"));
    LocalOperatorAccount account = localAccount.getIfAvailable();
    if (account != null) {
      DaoAuthenticationProvider local =
          new DaoAuthenticationProvider(new InMemoryUserDetailsManager(account.user()));
      http.authenticationProvider(local)
          .formLogin(
              form ->
                  form.loginPage(LOGIN)
                      .defaultSuccessUrl("/console", false)
                      .failureUrl(LOGIN + "?failed"));
    }
    ConsoleProperties.Oidc oidc = properties.oidc();
    if (oidc.configured()) {
      http.oauth2Login(
          login ->
              login
                  .loginPage(LOGIN)
                  .clientRegistrationRepository(
                      new InMemoryClientRegistrationRepository(registration(oidc)))
                  // Under /console: the authorization server owns /oauth2/*.
                  .authorizationEndpoint(
                      endpoint -> endpoint.baseUri("/console/oauth2/authorization"))
                  .redirectionEndpoint(endpoint -> endpoint.baseUri("/console/login/oauth2/code/*"))
                  .userInfoEndpoint(users -> users.oidcUserService(new OidcConsoleUsers(oidc)))
                  .defaultSuccessUrl("/console", false)
                  .failureUrl(LOGIN + "?refused"));
    }
    return http.build();
  }

  /** The page asked for before sign-in, returned to after it with its plain URL (no ?continue). */
  private static HttpSessionRequestCache pageAfterSignIn() {
    HttpSessionRequestCache cache = new HttpSessionRequestCache();
    cache.setMatchingRequestParameterName(null);
    return cache;
  }

  private static ClientRegistration registration(ConsoleProperties.Oidc oidc) {
    return ClientRegistrations.fromIssuerLocation(oidc.issuerUri())
        .registrationId(REGISTRATION_ID)
        .clientId(oidc.clientId())
        .clientSecret(oidc.clientSecret())
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
        .redirectUri("{baseUrl}/console/login/oauth2/code/{registrationId}")
        .scope(oidc.scopes())
        .clientName(oidc.displayName())
        .build();
  }
}
