package org.cypmh.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A client certificate presented on the mutual-TLS port (already verified against the trusted CAs
 * in the TLS handshake) identifies its registered partner. A revoked certificate, or one no partner
 * is registered with, is refused with 401. Revocation is checked here, at request time after the
 * handshake, against the CRL of the certificate's issuer ({@link RevocationList}).
 */
final class ClientCertificateAuthentication extends OncePerRequestFilter {

  private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  private final PartnerRegistry registry;
  private final RevocationList revocations;
  private final RefusalResponses refusals;

  ClientCertificateAuthentication(
      PartnerRegistry registry, RevocationList revocations, RefusalResponses refusals) {
    this.registry = registry;
    this.revocations = revocations;
    this.refusals = refusals;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!(request.getAttribute(CERTIFICATES) instanceof X509Certificate[] chainPresented)
        || chainPresented.length == 0
        || SecurityContextHolder.getContext().getAuthentication() != null) {
      chain.doFilter(request, response);
      return;
    }
    X509Certificate certificate = chainPresented[0];
    Optional<String> revoked = revocations.refusal(certificate);
    if (revoked.isPresent()) {
      refusals.unauthenticated(response, revoked.get());
      return;
    }
    Optional<PartnerRegistration> partner = registry.byCertificate(certificate);
    if (partner.isEmpty()) {
      refusals.unauthenticated(
          response, "The client certificate does not belong to a registered partner");
      return;
    }
    SecurityContextHolder.getContext()
        .setAuthentication(
            new PartnerAuthentication(
                partner.get(), new HashSet<>(partner.get().scopes()), AuthMethod.MTLS));
    chain.doFilter(request, response);
  }
}
