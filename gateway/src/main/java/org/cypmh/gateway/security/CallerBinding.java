package org.cypmh.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cypmh.gateway.fhir.Caller;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Tells the FHIR server ({@link Caller}) who is calling: the authenticated partner's organisation,
 * the operator for an admin, or (trusted-header mode only) the organisation the header names.
 */
final class CallerBinding extends OncePerRequestFilter {

  private final SecurityProperties.Mode mode;

  CallerBinding(SecurityProperties.Mode mode) {
    this.mode = mode;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (mode == SecurityProperties.Mode.TRUSTED_HEADER) {
      Caller.bindFromHeader(request);
    } else {
      Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
      if (authentication instanceof PartnerAuthentication partner) {
        Caller.bind(request, partner.partner().isAdmin() ? null : partner.partner().odsCode());
      }
    }
    chain.doFilter(request, response);
  }

  @Override
  protected boolean shouldNotFilterErrorDispatch() {
    return false;
  }
}
