package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * A second, external CA made at test time (Bouncy Castle), which the enforced gateway trusts
 * ({@code gateway.security.mtls.trusted-cas}) and whose CRL it reads ({@code
 * gateway.security.mtls.crls}): client certificates it issues (PKCS#12, password {@link
 * PartnerClients#PASSWORD}) and revocations it publishes by rewriting its CRL file. One per test
 * JVM, under {@code target/}; nothing is committed.
 */
final class ExternalCa {

  static final String NAME = "CN=CYPMH test external CA,O=Test Trust";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static ExternalCa shared;

  private final Path dir;
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final Map<BigInteger, Date> revoked = new TreeMap<>();
  private BigInteger crlNumber = BigInteger.ZERO;

  private ExternalCa(Path dir) throws Exception {
    this.dir = dir;
    this.keys = newKeyPair();
    X500Name name = new X500Name(NAME);
    this.certificate =
        sign(
            builder(name, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
    Files.createDirectories(dir);
    Files.writeString(caPem(), pem(certificate));
    writeCrl();
  }

  /** The external CA of this test JVM, made on first use. */
  static synchronized ExternalCa shared() {
    if (shared == null) {
      try {
        shared =
            new ExternalCa(
                Path.of("target", "e2e-data", "external-ca-" + UUID.randomUUID()).toAbsolutePath());
      } catch (Exception e) {
        throw new IllegalStateException("Cannot make the external test CA", e);
      }
    }
    return shared;
  }

  Path caPem() {
    return dir.resolve("ca.pem");
  }

  Path crlFile() {
    return dir.resolve("crl.pem");
  }

  /** A client certificate with this subject, as PKCS#12 with its chain. */
  Path issue(String subject) {
    try {
      KeyPair leaf = newKeyPair();
      X509Certificate issued =
          sign(
              builder(new X500Name(subject), leaf)
                  .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                  .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                  .addExtension(
                      Extension.extendedKeyUsage,
                      false,
                      new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "client",
          leaf.getPrivate(),
          PartnerClients.PASSWORD.toCharArray(),
          new Certificate[] {issued, certificate});
      Path out = Files.createTempDirectory(dir, "issued-").resolve("client.p12");
      try (OutputStream file = Files.newOutputStream(out)) {
        store.store(file, PartnerClients.PASSWORD.toCharArray());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lists the serial in a newly signed CRL, written over the CRL file. */
  synchronized void revoke(BigInteger serial) {
    revoked.put(serial, new Date());
    try {
      writeCrl();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void writeCrl() throws Exception {
    Instant now = Instant.now();
    crlNumber = crlNumber.add(BigInteger.ONE);
    X509v2CRLBuilder builder = new X509v2CRLBuilder(new X500Name(NAME), Date.from(now));
    builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
    revoked.forEach((serial, date) -> builder.addCRLEntry(serial, date, CRLReason.keyCompromise));
    builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
    String crl =
        pem(
            new JcaX509CRLConverter()
                .getCRL(
                    builder.build(
                        new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))));
    Path partial = dir.resolve("crl.pem.partial");
    Files.writeString(partial, crl);
    Files.move(
        partial, crlFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static KeyPair newKeyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        new X500Name(NAME),
        new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        subjectKeys.getPublic());
  }

  private X509Certificate sign(X509v3CertificateBuilder builder) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Makes the gateway trust the external CA and read its CRL (before the context starts). */
  static final class Trusted
      implements ApplicationContextInitializer<ConfigurableApplicationContext> {
    @Override
    public void initialize(ConfigurableApplicationContext context) {
      ExternalCa ca = shared();
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "external-test-ca",
                  Map.of(
                      "gateway.security.mtls.trusted-cas", ca.caPem().toString(),
                      "gateway.security.mtls.crls", ca.crlFile().toString())));
    }
  }
}
