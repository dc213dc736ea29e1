package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for mutual-TLS tests: a CA, a {@code localhost} server certificate for the
 * simulated partners and a client certificate for the gateway, written as PKCS12 files. Generated
 * at test time so that no private key, however worthless, is ever committed.
 */
final class PartnerPki {

  /** One password for every store and key; these stores protect nothing real. */
  static final String PASSWORD = "changeit-test";

  // Short-lived so a leaked file is useless soon; regenerated well before it could expire mid-run.
  private static final Duration VALIDITY = Duration.ofDays(2);
  private static final Duration REUSE_FOR = Duration.ofDays(1);
  // Tolerates a little clock skew between certificate creation and first use.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;

  private PartnerPki(Path dir) {
    this.dir = dir;
  }

  /**
   * Returns the PKI in {@code dir}, generating it unless all three stores are already there (and
   * young enough to still be valid for the rest of the run).
   */
  static synchronized PartnerPki create(Path dir) {
    PartnerPki pki = new PartnerPki(dir.toAbsolutePath());
    try {
      Files.createDirectories(pki.dir);
      // Test JVMs forked in parallel share target/; the lock keeps them from mixing generations.
      try (FileChannel channel =
              FileChannel.open(
                  pki.dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        if (!pki.isReusable()) {
          pki.generate();
        }
      }
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot create the partner test PKI in " + dir, e);
    }
    return pki;
  }

  /** The partner side: the {@code localhost} key and its chain. */
  Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  /** The gateway side: the {@code CN=cypmh-gateway-test} key and its chain. */
  Path clientKeyStore() {
    return dir.resolve("client.p12");
  }

  /** The CA alone, trusted by both sides. */
  Path trustStore() {
    return dir.resolve("trust.p12");
  }

  String password() {
    return PASSWORD;
  }

  private boolean isReusable() throws IOException {
    Instant freshEnough = Instant.now().minus(REUSE_FOR);
    for (Path store : new Path[] {serverKeyStore(), clientKeyStore(), trustStore()}) {
      if (!Files.exists(store)
          || Files.getLastModifiedTime(store).toInstant().isBefore(freshEnough)) {
        return false;
      }
    }
    return true;
  }

  private void generate() throws IOException, GeneralSecurityException, OperatorCreationException {
    KeyPair caKeys = newKeyPair();
    X500Name caName = new X500Name("CN=cypmh-partner-test-ca");
    X509v3CertificateBuilder ca = builder(caName, caName, caKeys);
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    ca.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    X509Certificate caCert = sign(ca, caKeys.getPrivate());

    KeyPair serverKeys = newKeyPair();
    X509v3CertificateBuilder server =
        leaf(caName, new X500Name("CN=localhost"), serverKeys, KeyPurposeId.id_kp_serverAuth);
    // Clients verify the host name against the SAN, not the CN.
    server.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
    X509Certificate serverCert = sign(server, caKeys.getPrivate());

    KeyPair clientKeys = newKeyPair();
    X509Certificate clientCert =
        sign(
            leaf(
                caName,
                new X500Name("CN=cypmh-gateway-test"),
                clientKeys,
                KeyPurposeId.id_kp_clientAuth),
            caKeys.getPrivate());

    writeKeyStore(serverKeyStore(), "server", serverKeys.getPrivate(), serverCert, caCert);
    writeKeyStore(clientKeyStore(), "client", clientKeys.getPrivate(), clientCert, caCert);
    KeyStore trust = emptyPkcs12();
    trust.setCertificateEntry("ca", caCert);
    write(trustStore(), trust);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair subjectKeys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(VALIDITY)),
        subject,
        subjectKeys.getPublic());
  }

  // JSSE rejects an end-entity certificate whose extended key usage does not fit its TLS role.
  private static X509v3CertificateBuilder leaf(
      X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPurposeId purpose)
      throws IOException {
    X509v3CertificateBuilder leaf = builder(issuer, subject, subjectKeys);
    leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    leaf.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    leaf.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    return leaf;
  }

  // Uses the JDK's providers, so Bouncy Castle never has to be registered JVM-wide.
  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
  }

  private static void writeKeyStore(
      Path file, String alias, PrivateKey key, X509Certificate cert, X509Certificate caCert)
      throws IOException, GeneralSecurityException {
    KeyStore store = emptyPkcs12();
    store.setKeyEntry(alias, key, PASSWORD.toCharArray(), new Certificate[] {cert, caCert});
    write(file, store);
  }

  private static KeyStore emptyPkcs12() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    return store;
  }

  // Written aside and moved in, so a reader never sees a half-written store.
  private static void write(Path file, KeyStore store)
      throws IOException, GeneralSecurityException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (OutputStream out = Files.newOutputStream(partial)) {
      store.store(out, PASSWORD.toCharArray());
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
