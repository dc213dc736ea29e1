package org.cypmh.gateway.security;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The CAs whose client certificates identify partners: the gateway's own CA ({@code pki-dir}) and
 * the external CAs in {@code gateway.security.mtls.trusted-cas}, each with its own name. Tells
 * which of them issued a certificate: by issuer name and by the CA's signature on it, so a CA with
 * the same name but another key is not that CA.
 */
final class TrustedIssuers {

  private final CertificateAuthority authority;
  private final List<X509Certificate> external;
  private volatile X509Certificate own;

  TrustedIssuers(CertificateAuthority authority, List<Path> trustedCas) {
    this.authority = authority;
    List<X509Certificate> cas = new ArrayList<>();
    for (Path file : trustedCas) {
      cas.add(CertificateAuthority.readPem(file));
    }
    this.external = List.copyOf(cas);
    // A registration names its issuer by DN, so two trusted CAs must not share one.
    java.util.Set<X500Name> names = new java.util.HashSet<>();
    for (X509Certificate ca : all()) {
      if (!names.add(name(ca.getSubjectX500Principal()))) {
        throw new IllegalStateException(
            "gateway.security.mtls.trusted-cas: two trusted CAs are named "
                + ca.getSubjectX500Principal().getName()
                + " (the gateway's own CA is one of them if it has that name); a partner's"
                + " certificate-issuer could not tell them apart");
      }
    }
  }

  /** The gateway's own CA certificate, or null while there is none yet. */
  X509Certificate own() {
    X509Certificate ca = own;
    if (ca == null && authority.exists()) {
      ca = authority.caCertificate();
      own = ca;
    }
    return ca;
  }

  List<X509Certificate> all() {
    List<X509Certificate> all = new ArrayList<>();
    X509Certificate ca = own();
    if (ca != null) {
      all.add(ca);
    }
    all.addAll(external);
    return all;
  }

  /**
   * True if the trusted CA named {@code issuerDn} (the gateway's own CA when null) issued the
   * certificate: its issuer is that name and that CA's key signed it.
   */
  boolean issued(String issuerDn, X509Certificate certificate) {
    X500Name wanted;
    if (issuerDn == null) {
      X509Certificate ca = own();
      if (ca == null) {
        return false;
      }
      wanted = name(ca.getSubjectX500Principal());
    } else {
      try {
        wanted = new X500Name(issuerDn);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (!wanted.equals(name(certificate.getIssuerX500Principal()))) {
      return false;
    }
    return signerOf(certificate).isPresent();
  }

  /** The trusted CA whose name is the certificate's issuer and whose key signed it. */
  Optional<X509Certificate> signerOf(X509Certificate certificate) {
    X500Name issuer = name(certificate.getIssuerX500Principal());
    for (X509Certificate ca : all()) {
      if (issuer.equals(name(ca.getSubjectX500Principal()))) {
        try {
          certificate.verify(ca.getPublicKey());
          return Optional.of(ca);
        } catch (GeneralSecurityException e) {
          // Same name, another key: not this CA.
        }
      }
    }
    return Optional.empty();
  }

  /** True if a trusted CA external to the gateway has this DN (a registration's issuer). */
  boolean isExternalCa(String issuerDn) {
    try {
      X500Name wanted = new X500Name(issuerDn);
      return external.stream().anyMatch(ca -> wanted.equals(name(ca.getSubjectX500Principal())));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The trusted CAs with this name (normally one). */
  List<X509Certificate> named(X500Principal name) {
    X500Name wanted = name(name);
    return all().stream().filter(ca -> wanted.equals(name(ca.getSubjectX500Principal()))).toList();
  }

  /**
   * Bouncy Castle's comparison: attribute values compared as X.500 says, and a DN written in either
   * order (RFC 2253 strings list the last RDN first; the CLI writes them in issue order).
   */
  static X500Name name(X500Principal principal) {
    return X500Name.getInstance(principal.getEncoded());
  }

  static boolean sameName(String registered, X500Principal presented) {
    try {
      return new X500Name(registered).equals(name(presented));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
