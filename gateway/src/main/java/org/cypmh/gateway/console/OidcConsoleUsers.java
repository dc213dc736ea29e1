package org.cypmh.gateway.console;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Who an OpenID Connect sign-in is to the console: the IdP's role claim mapped to {@link
 * ConsoleRole}s ({@code gateway.console.oidc.role-claim}, {@code operator-values}, {@code
 * auditor-values}). Someone the mapping gives no role is refused at sign-in, with no session.
 */
final class OidcConsoleUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

  static final String NO_ROLE = "no_console_role";

  private final OidcUserService delegate = new OidcUserService();
  private final ConsoleProperties.Oidc settings;

  OidcConsoleUsers(ConsoleProperties.Oidc settings) {
    this.settings = settings;
  }

  @Override
  public OidcUser loadUser(OidcUserRequest request) {
    OidcUser user = delegate.loadUser(request);
    Set<String> values = claimValues(user.getClaims().get(settings.roleClaim()));
    Set<GrantedAuthority> roles = new HashSet<>();
    if (values.stream().anyMatch(settings.operatorValues()::contains)) {
      roles.add(ConsoleRole.OPERATOR.authority());
    }
    if (values.stream().anyMatch(settings.auditorValues()::contains)) {
      roles.add(ConsoleRole.AUDITOR.authority());
    }
    if (roles.isEmpty()) {
      throw new OAuth2AuthenticationException(
          new OAuth2Error(NO_ROLE, "The account has no operator or auditor role", null));
    }
    return new DefaultOidcUser(roles, user.getIdToken(), user.getUserInfo());
  }

  private static Set<String> claimValues(Object claim) {
    Set<String> values = new HashSet<>();
    if (claim instanceof Collection<?> many) {
      many.forEach(v -> values.add(String.valueOf(v)));
    } else if (claim instanceof String one) {
      values.addAll(List.of(one.split(" ")));
    }
    return values;
  }
}
