package org.cypmh.gateway.security;

import java.util.List;
import java.util.Set;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated partner system: its registration, the scopes this request may use (those its
 * access token was granted, or all of its registered scopes for a client certificate) and how it
 * proved who it is.
 */
public final class PartnerAuthentication extends AbstractAuthenticationToken {

  private final PartnerRegistration partner;
  private final Set<String> scopes;
  private final AuthMethod method;

  PartnerAuthentication(PartnerRegistration partner, Set<String> scopes, AuthMethod method) {
    super(List.of(new SimpleGrantedAuthority("ROLE_" + partner.role().name())));
    this.partner = partner;
    this.scopes = Set.copyOf(scopes);
    this.method = method;
    setAuthenticated(true);
  }

  public PartnerRegistration partner() {
    return partner;
  }

  public Set<String> scopes() {
    return scopes;
  }

  public AuthMethod method() {
    return method;
  }

  @Override
  public Object getCredentials() {
    // Never kept: the certificate or token was checked and is not needed again.
    return null;
  }

  @Override
  public Object getPrincipal() {
    return partner.clientId();
  }
}
