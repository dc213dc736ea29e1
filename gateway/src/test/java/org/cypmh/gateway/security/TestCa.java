package org.cypmh.gateway.security;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** An external CA made at test time (Bouncy Castle): its certificates and CRLs. */
final class TestCa {

  final X500Name name;
  final KeyPair keys;
  final X509Certificate certificate;

  TestCa(String name) throws Exception {
    this.name = new X500Name(name);
    this.keys = CertificateAuthority.newKeyPair();
    this.certificate =
        sign(
            new JcaX509v3CertificateBuilder(
                    this.name,
                    BigInteger.valueOf(new SecureRandom().nextInt(1 << 30)).add(BigInteger.ONE),
                    Date.from(Instant.now().minusSeconds(300)),
                    Date.from(Instant.now().plus(Duration.ofDays(1))),
                    this.name,
                    keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
  }

  X509Certificate issue(String subject) throws Exception {
    KeyPair leaf = CertificateAuthority.newKeyPair();
    return sign(
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
            Date.from(Instant.now().minusSeconds(300)),
            Date.from(Instant.now().plus(Duration.ofDays(1))),
            new X500Name(subject),
            leaf.getPublic()));
  }

  Path writePem(Path file) throws Exception {
    Files.writeString(file, CertificateAuthority.pem(certificate));
    return file;
  }

  X509CRL crl(Instant thisUpdate, Duration validity, BigInteger... revoked) throws Exception {
    Map<BigInteger, Date> entries = new java.util.TreeMap<>();
    for (BigInteger serial : revoked) {
      entries.put(serial, Date.from(thisUpdate));
    }
    return CertificateAuthority.signCrl(
        name, certificate, keys.getPrivate(), entries, thisUpdate, validity, BigInteger.ONE);
  }

  private X509Certificate sign(org.bouncycastle.cert.X509v3CertificateBuilder builder)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }
}
