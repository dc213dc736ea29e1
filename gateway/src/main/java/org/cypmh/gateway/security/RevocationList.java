package org.cypmh.gateway.security;

import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * The serials revoked with {@code pki revoke}, re-read when the list file changes, so a revocation
 * takes effect on the next request without a restart.
 */
final class RevocationList {

  private final CertificateAuthority authority;
  private volatile long readAt = -1;
  private volatile Set<String> revoked = Set.of();

  RevocationList(CertificateAuthority authority) {
    this.authority = authority;
  }

  boolean isRevoked(X509Certificate certificate) {
    long modified = authority.revokedListModified();
    if (modified != readAt) {
      synchronized (this) {
        revoked = Set.copyOf(authority.revokedSerials());
        readAt = modified;
      }
    }
    // Serials of our own CA only; an external CA's serial could collide with one of ours.
    return certificate.getIssuerX500Principal().equals(authorityName())
        && revoked.contains(CertificateAuthority.serialOf(certificate));
  }

  private javax.security.auth.x500.X500Principal authorityName() {
    return authority.exists() ? authority.caCertificate().getSubjectX500Principal() : null;
  }
}
