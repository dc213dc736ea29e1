package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which registration a client certificate belongs to: subject and issuer, or fingerprint. */
class CertificateBindingTest {

  @TempDir Path dir;

  private CertificateAuthority authority;
  private TestCa external;
  private TrustedIssuers issuers;

  @BeforeEach
  void cas() throws Exception {
    authority = new CertificateAuthority(dir.resolve("pki"));
    authority.init();
    external = new TestCa("CN=External CA,O=Example Trust");
    issuers =
        new TrustedIssuers(authority, List.of(external.writePem(dir.resolve("external.pem"))));
  }

  @Test
  void aSubjectBoundRegistrationWithoutIssuerIsTheGatewaysOwnCaOnly() throws Exception {
    PartnerRegistration camhs = registration("CN=camhs,OU=RZZ", null, null);

    assertThat(matches(camhs, ownCertificate("camhs", "RZZ"))).isTrue();
    assertThat(matches(camhs, external.issue("CN=camhs,OU=RZZ"))).isFalse();
  }

  @Test
  void aRegistrationWithAnExternalIssuerIsThatCaOnly() throws Exception {
    PartnerRegistration camhs =
        registration("CN=camhs,OU=RZZ", "CN=External CA,O=Example Trust", null);

    assertThat(matches(camhs, external.issue("CN=camhs,OU=RZZ"))).isTrue();
    // The DN may be written in either order (RFC 2253 or issue order).
    assertThat(
            matches(
                registration("OU=RZZ,CN=camhs", "O=Example Trust,CN=External CA", null),
                external.issue("CN=camhs,OU=RZZ")))
        .isTrue();
    assertThat(matches(camhs, ownCertificate("camhs", "RZZ"))).isFalse();
    assertThat(matches(camhs, external.issue("CN=camhs-2,OU=RZZ"))).isFalse();
  }

  @Test
  void aCaWithTheSameNameButAnotherKeyIsNotTheIssuer() throws Exception {
    TestCa impostor = new TestCa("CN=External CA,O=Example Trust");
    PartnerRegistration camhs =
        registration("CN=camhs,OU=RZZ", "CN=External CA,O=Example Trust", null);
    X509Certificate forged = impostor.issue("CN=camhs,OU=RZZ");

    assertThat(matches(camhs, forged)).isFalse();
    // Two trusted CAs of one name could not be told apart by a registration: refused at start.
    assertThatThrownBy(
            () ->
                new TrustedIssuers(
                    authority,
                    List.of(
                        external.writePem(dir.resolve("external.pem")),
                        impostor.writePem(dir.resolve("impostor.pem")))))
        .hasMessageContaining("two trusted CAs are named");
    // And another gateway's CA (same default name, other key) is not ours.
    CertificateAuthority otherGateway = new CertificateAuthority(dir.resolve("other-pki"));
    otherGateway.init();
    Path p12 = dir.resolve("other.p12");
    otherGateway.issue("camhs", "RZZ", p12, "pw".toCharArray(), Duration.ofDays(1));
    X509Certificate fromOther =
        (X509Certificate)
            CertificateAuthority.load(p12, "pw".toCharArray()).getCertificate("camhs");
    assertThat(matches(registration("CN=camhs,OU=RZZ", null, null), fromOther)).isFalse();
  }

  @Test
  void aFingerprintBindsThatCertificateWhoeverIssuedIt() throws Exception {
    X509Certificate certificate = external.issue("CN=anything");
    PartnerRegistration pinned = registration(null, null, fingerprint(certificate).toUpperCase());

    assertThat(matches(pinned, certificate)).isTrue();
    assertThat(matches(pinned, external.issue("CN=anything"))).isFalse();
  }

  @Test
  void anIssuerThatIsNotADistinguishedNameIsRefused() {
    assertThatThrownBy(() -> registration("CN=camhs,OU=RZZ", "not a DN", null))
        .hasMessageContaining("certificateIssuer");
  }

  private boolean matches(PartnerRegistration partner, X509Certificate certificate) {
    return PartnerRegistry.matches(partner, certificate, fingerprint(certificate), issuers);
  }

  private static String fingerprint(X509Certificate certificate) {
    return CertificateAuthority.fingerprint(certificate);
  }

  private X509Certificate ownCertificate(String clientId, String ods) throws Exception {
    Path p12 = dir.resolve(clientId + "-" + System.nanoTime() + ".p12");
    authority.issue(clientId, ods, p12, "pw".toCharArray(), Duration.ofDays(1));
    KeyStore store = CertificateAuthority.load(p12, "pw".toCharArray());
    return (X509Certificate) store.getCertificate(clientId);
  }

  private static PartnerRegistration registration(
      String subject, String issuer, String fingerprint) {
    return new PartnerRegistration(
        "camhs",
        "RZZ",
        PartnerRole.PARTNER,
        Set.of(AuthMethod.MTLS),
        subject,
        issuer,
        fingerprint,
        null,
        List.of("system/Task.rs"),
        null);
  }
}
