package org.cypmh.gateway.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificate revocation by X.509 CRLs: the gateway CA's own ({@code pki revoke} writes it) and
 * those of external CAs ({@code gateway.security.mtls.crls}, PEM or DER). Each CRL must be signed
 * by the trusted CA that issued it. A file is re-read when it changes, so a revocation takes effect
 * on the next request without a restart; a changed file that does not verify is ignored (the
 * previous CRL stays) and logged. A certificate whose issuer's CRL lists it is refused; so is one
 * whose issuer's CRL is past its {@code nextUpdate} (revocation status unknown). The gateway
 * re-signs its own CA's CRL before that. No OCSP.
 */
final class RevocationList {

  private static final Logger log = LoggerFactory.getLogger(RevocationList.class);
  private static final Duration RENEW_BEFORE = Duration.ofDays(2);
  private static final Duration RENEW_RETRY = Duration.ofHours(1);

  private final CertificateAuthority authority;
  private final TrustedIssuers issuers;
  private final Clock clock;
  private final List<Source> sources = new ArrayList<>();
  private volatile Instant renewAttempt = Instant.MIN;

  /**
   * @throws IllegalStateException when a configured CRL cannot be read or is not signed by a
   *     trusted CA (a configuration error, at start).
   */
  RevocationList(
      CertificateAuthority authority, TrustedIssuers issuers, List<Path> crls, Clock clock) {
    this.authority = authority;
    this.issuers = issuers;
    this.clock = clock;
    if (authority.exists()) {
      try {
        // An older revoked.txt becomes part of the CRL; a missing or stale CRL is made current.
        X509CRL current = authority.crl();
        if (current == null
            || Files.exists(authority.dir().resolve("revoked.txt"))
            || isDue(current)) {
          authority.renewCrl();
        }
      } catch (RuntimeException e) {
        log.error("Cannot write the CA's CRL in {}: {}", authority.dir(), e.getMessage());
      }
    }
    sources.add(new Source(authority.crlFile(), true));
    for (Path file : crls) {
      Source source = new Source(file, false);
      String problem = source.reload();
      if (problem != null) {
        throw new IllegalStateException("gateway.security.mtls.crls: " + problem);
      }
      sources.add(source);
    }
  }

  /** Why the certificate is refused (revoked, or its issuer's CRL out of date), or empty. */
  Optional<String> refusal(X509Certificate certificate) {
    X500Name issuer = TrustedIssuers.name(certificate.getIssuerX500Principal());
    Instant now = clock.instant();
    for (Source source : sources) {
      source.refresh();
      Loaded loaded = source.loaded;
      if (loaded == null || !loaded.issuer().equals(issuer)) {
        continue;
      }
      X509CRL crl = loaded.crl();
      if (crl.getRevokedCertificate(certificate.getSerialNumber()) != null) {
        return Optional.of("The client certificate has been revoked (its issuer's CRL lists it)");
      }
      if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
        if (source.own && renewOwn()) {
          source.refresh();
          continue;
        }
        return Optional.of(
            "The revocation status of the client certificate is unknown: its issuer's CRL is out"
                + " of date");
      }
      if (source.own && isDue(crl)) {
        renewOwn();
      }
    }
    return Optional.empty();
  }

  private boolean isDue(X509CRL crl) {
    return crl.getNextUpdate() != null
        && crl.getNextUpdate().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE));
  }

  /** Re-signs the gateway CA's CRL (at most once an hour after a failure). */
  private synchronized boolean renewOwn() {
    Instant now = clock.instant();
    if (renewAttempt.isAfter(now.minus(RENEW_RETRY))) {
      return false;
    }
    renewAttempt = now;
    try {
      authority.renewCrl();
      renewAttempt = Instant.MIN;
      return true;
    } catch (RuntimeException e) {
      log.error("Cannot renew the CA's CRL in {}: {}", authority.dir(), e.getMessage());
      return false;
    }
  }

  private record Loaded(X500Name issuer, X509CRL crl) {}

  /** One CRL file, re-read when its modification time or size changes. */
  private final class Source {
    private final Path file;
    private final boolean own;
    private volatile String version = "";
    private volatile Loaded loaded;

    Source(Path file, boolean own) {
      this.file = file;
      this.own = own;
    }

    void refresh() {
      String now = versionOf();
      if (!now.equals(version)) {
        synchronized (this) {
          if (!now.equals(version)) {
            String problem = reload();
            if (problem != null) {
              log.error("Ignoring a changed CRL (the previous one stays): {}", problem);
            }
          }
        }
      }
    }

    /** Reads and verifies the file; null if it is now in use, else what is wrong with it. */
    String reload() {
      String current = versionOf();
      version = current;
      if (current.isEmpty()) {
        return own ? null : file + " does not exist";
      }
      X509CRL crl;
      try {
        crl = CertificateAuthority.readCrl(file);
      } catch (RuntimeException e) {
        return e.getMessage();
      }
      for (X509Certificate ca : issuers.named(crl.getIssuerX500Principal())) {
        try {
          crl.verify(ca.getPublicKey());
          loaded = new Loaded(TrustedIssuers.name(crl.getIssuerX500Principal()), crl);
          return null;
        } catch (GeneralSecurityException e) {
          // Not this CA's key; another trusted CA may have the same name.
        }
      }
      return file
          + ": not signed by a trusted CA named "
          + crl.getIssuerX500Principal().getName()
          + " (gateway.security.mtls.trusted-cas)";
    }

    private String versionOf() {
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return attributes.lastModifiedTime().toMillis()
            + ":"
            + attributes.size()
            + ":"
            + attributes.fileKey();
      } catch (IOException e) {
        return "";
      }
    }
  }
}
