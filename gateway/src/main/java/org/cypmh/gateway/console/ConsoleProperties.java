package org.cypmh.gateway.console;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator console's sign-in ({@code gateway.console}).
 *
 * @param oidc OpenID Connect sign-in with the organisation's identity provider (NHS CIS2, an ICS
 *     IdP); off unless {@code issuer-uri} is set
 */
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(@DefaultValue Oidc oidc) {

  /**
   * @param issuerUri the IdP's issuer; its {@code /.well-known/openid-configuration} is read at
   *     start (none: no OIDC sign-in)
   * @param clientId the gateway's client id at the IdP
   * @param clientSecret its client secret
   * @param displayName what the sign-in button says (default {@code Organisation sign-in})
   * @param roleClaim the id token claim holding the user's roles (string or list; default {@code
   *     roles})
   * @param operatorValues claim values that make the user an operator (sees everything, replays)
   * @param auditorValues claim values that make the user an auditor (the audit page only)
   * @param scopes scopes asked for (default {@code openid, profile})
   */
  public record Oidc(
      String issuerUri,
      String clientId,
      String clientSecret,
      @DefaultValue("Organisation sign-in") String displayName,
      @DefaultValue("roles") String roleClaim,
      @DefaultValue List<String> operatorValues,
      @DefaultValue List<String> auditorValues,
      @DefaultValue({"openid", "profile"}) List<String> scopes) {

    public boolean configured() {
      return issuerUri != null && !issuerUri.isBlank();
    }
  }
}
