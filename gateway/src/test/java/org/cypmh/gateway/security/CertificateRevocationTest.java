package org.cypmh.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.cypmh.gateway.GatewayCli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRLs: the gateway CA's ({@code pki revoke}) and external CAs', as the gateway checks them. */
class CertificateRevocationTest {

  @TempDir Path dir;

  private CertificateAuthority authority;
  private X509Certificate ca;

  @BeforeEach
  void ca() {
    authority = new CertificateAuthority(dir.resolve("pki"));
    ca = authority.init();
  }

  @Test
  void pkiRevokeWritesACrlSignedByTheCaThatListsTheSerial() throws Exception {
    X509Certificate issued = issue("first-steps", "8ZZ03");
    X509Certificate other = issue("other", "8ZZ04");
    Instant before = Instant.now().minusSeconds(1);

    assertThat(
            GatewayCli.run(
                "pki",
                "revoke",
                CertificateAuthority.serialOf(issued),
                "--pki-dir",
                authority.dir().toString()))
        .isZero();

    X509CRL crl = CertificateAuthority.readCrl(authority.crlFile());
    crl.verify(ca.getPublicKey());
    assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(crl.getThisUpdate().toInstant()).isBetween(before, Instant.now().plusSeconds(1));
    assertThat(Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()))
        .isEqualTo(CertificateAuthority.CRL_VALIDITY);
    assertThat(crl.getRevokedCertificate(issued.getSerialNumber())).isNotNull();
    assertThat(crl.getRevokedCertificate(other.getSerialNumber())).isNull();
    assertThat(crlNumber(crl)).isEqualTo(BigInteger.ONE);

    assertThat(authority.revoke(CertificateAuthority.serialOf(other))).isTrue();
    assertThat(authority.revoke(CertificateAuthority.serialOf(other))).isFalse();
    X509CRL second = authority.crl();
    second.verify(ca.getPublicKey());
    assertThat(second.getRevokedCertificates()).hasSize(2);
    assertThat(crlNumber(second)).isEqualTo(BigInteger.TWO);
    // The first revocation keeps its date.
    assertThat(second.getRevokedCertificate(issued.getSerialNumber()).getRevocationDate())
        .isEqualTo(crl.getRevokedCertificate(issued.getSerialNumber()).getRevocationDate());
  }

  @Test
  void serialsOfTheOldRevokedListAreFoldedIntoTheCrl() throws Exception {
    X509Certificate old = issue("old", "8ZZ05");
    X509Certificate fresh = issue("fresh", "8ZZ06");
    Files.writeString(
        authority.dir().resolve("revoked.txt"), CertificateAuthority.serialOf(old) + "\n");

    authority.revoke(CertificateAuthority.serialOf(fresh));

    X509CRL crl = authority.crl();
    crl.verify(ca.getPublicKey());
    assertThat(crl.getRevokedCertificate(old.getSerialNumber())).isNotNull();
    assertThat(crl.getRevokedCertificate(fresh.getSerialNumber())).isNotNull();
    assertThat(authority.dir().resolve("revoked.txt")).doesNotExist();
    assertThat(authority.revokedSerials())
        .containsExactlyInAnyOrder(
            CertificateAuthority.serialOf(old), CertificateAuthority.serialOf(fresh));
  }

  @Test
  void theGatewayFoldsAnOldRevokedListAtStartAndRefusesItsCertificates() throws Exception {
    X509Certificate old = issue("old", "8ZZ05");
    X509Certificate valid = issue("valid", "8ZZ06");
    Files.writeString(
        authority.dir().resolve("revoked.txt"), CertificateAuthority.serialOf(old) + "\n");

    RevocationList revocations = revocations(List.of(), List.of());

    assertThat(revocations.refusal(old)).hasValueSatisfying(r -> assertThat(r).contains("revoked"));
    assertThat(revocations.refusal(valid)).isEmpty();
    assertThat(authority.crl().getRevokedCertificate(old.getSerialNumber())).isNotNull();
  }

  @Test
  void aRevocationTakesEffectOnTheNextCheck() throws Exception {
    X509Certificate issued = issue("first-steps", "8ZZ03");
    RevocationList revocations = revocations(List.of(), List.of());
    assertThat(revocations.refusal(issued)).isEmpty();

    authority.revoke(CertificateAuthority.serialOf(issued));

    assertThat(revocations.refusal(issued))
        .hasValueSatisfying(r -> assertThat(r).contains("revoked"));
  }

  @Test
  void externalCrlIsVerifiedAgainstItsCaAndReReadWhenItChanges() throws Exception {
    TestCa external = new TestCa("CN=External CA,O=Example Trust");
    Path caPem = external.writePem(dir.resolve("external-ca.pem"));
    X509Certificate partner = external.issue("CN=camhs,OU=RZZ");
    X509Certificate other = external.issue("CN=other,OU=RZZ");
    Path crlFile = dir.resolve("external.crl");
    // DER, as many CAs publish it.
    Files.write(crlFile, external.crl(Instant.now(), Duration.ofDays(1)).getEncoded());
    RevocationList revocations = revocations(List.of(caPem), List.of(crlFile));
    assertThat(revocations.refusal(partner)).isEmpty();

    // PEM this time, listing the partner's serial.
    Files.writeString(
        crlFile,
        CertificateAuthority.pem(
            external.crl(Instant.now(), Duration.ofDays(1), partner.getSerialNumber())));

    assertThat(revocations.refusal(partner))
        .hasValueSatisfying(r -> assertThat(r).contains("revoked"));
    assertThat(revocations.refusal(other)).isEmpty();
    // The same serial from the gateway's own CA is not revoked by the external CA's CRL.
    assertThat(revocations.refusal(issue("camhs", "RZZ"))).isEmpty();
  }

  @Test
  void aCrlNotSignedByItsTrustedCaStopsTheStartAndIsIgnoredWhenChangedLater() throws Exception {
    TestCa external = new TestCa("CN=External CA,O=Example Trust");
    TestCa impostor = new TestCa("CN=External CA,O=Example Trust");
    Path caPem = external.writePem(dir.resolve("external-ca.pem"));
    X509Certificate partner = external.issue("CN=camhs,OU=RZZ");
    Path crlFile = dir.resolve("external.crl");
    Files.writeString(
        crlFile, CertificateAuthority.pem(impostor.crl(Instant.now(), Duration.ofDays(1))));

    assertThatThrownBy(() -> revocations(List.of(caPem), List.of(crlFile)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gateway.security.mtls.crls")
        .hasMessageContaining("not signed by a trusted CA");

    Files.writeString(
        crlFile,
        CertificateAuthority.pem(
            external.crl(Instant.now(), Duration.ofDays(1), partner.getSerialNumber())));
    RevocationList revocations = revocations(List.of(caPem), List.of(crlFile));
    assertThat(revocations.refusal(partner)).isPresent();
    // An impostor's CRL that would un-revoke the partner is ignored: the previous CRL stays.
    Files.writeString(
        crlFile, CertificateAuthority.pem(impostor.crl(Instant.now(), Duration.ofDays(2))));
    assertThat(revocations.refusal(partner))
        .hasValueSatisfying(r -> assertThat(r).contains("revoked"));
  }

  @Test
  void anExternalCrlPastItsNextUpdateRefusesItsIssuersCertificates() throws Exception {
    TestCa external = new TestCa("CN=External CA,O=Example Trust");
    Path caPem = external.writePem(dir.resolve("external-ca.pem"));
    Path crlFile = dir.resolve("external.crl");
    Files.writeString(
        crlFile,
        CertificateAuthority.pem(
            external.crl(Instant.now().minus(Duration.ofDays(2)), Duration.ofDays(1))));

    RevocationList revocations = revocations(List.of(caPem), List.of(crlFile));

    assertThat(revocations.refusal(external.issue("CN=camhs,OU=RZZ")))
        .hasValueSatisfying(r -> assertThat(r).contains("out of date"));
    assertThat(revocations.refusal(issue("camhs", "RZZ"))).isEmpty();
  }

  private RevocationList revocations(List<Path> trustedCas, List<Path> crls) {
    return new RevocationList(
        authority, new TrustedIssuers(authority, trustedCas), crls, Clock.systemUTC());
  }

  private X509Certificate issue(String clientId, String ods) throws Exception {
    Path p12 = dir.resolve(clientId + "-" + System.nanoTime() + ".p12");
    authority.issue(clientId, ods, p12, "pw".toCharArray(), Duration.ofDays(1));
    KeyStore store = CertificateAuthority.load(p12, "pw".toCharArray());
    return (X509Certificate) store.getCertificate(clientId);
  }

  private static BigInteger crlNumber(X509CRL crl) throws Exception {
    return CRLNumber.getInstance(
            JcaX509ExtensionUtils.parseExtensionValue(
                crl.getExtensionValue(Extension.cRLNumber.getId())))
        .getCRLNumber();
  }
}
