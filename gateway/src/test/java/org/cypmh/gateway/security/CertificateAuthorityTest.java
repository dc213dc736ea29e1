package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  @TempDir Path dir;

  @Test
  void issuedCertificateIsSignedByTheCaAndListedUntilRevoked() throws Exception {
    CertificateAuthority authority = new CertificateAuthority(dir.resolve("pki"));
    X509Certificate ca = authority.init();

    X509Certificate issued =
        authority.issue(
            "first-steps",
            "8zz02",
            dir.resolve("first-steps.p12"),
            "pw".toCharArray(),
            Duration.ofDays(1));

    issued.verify(ca.getPublicKey());
    assertThat(issued.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
    assertThat(authority.list())
        .singleElement()
        .satisfies(
            listed -> {
              assertThat(listed.serial()).isEqualTo(CertificateAuthority.serialOf(issued));
              assertThat(listed.revoked()).isFalse();
            });

    assertThat(authority.revoke(CertificateAuthority.serialOf(issued))).isTrue();
    assertThat(authority.revoke(CertificateAuthority.serialOf(issued))).isFalse();
    assertThat(authority.list().get(0).revoked()).isTrue();
  }
}
