package org.cypmh.gateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cypmh.gateway.storage.OwnerOnlyFiles;

/**
 * The gateway's own certificate authority, kept as files in one folder: {@code ca.p12} (its EC
 * key), {@code ca.pem} (what partners and curl trust), {@code server.p12} (the gateway's TLS
 * certificate), {@code issued/<serial>.pem} (every partner certificate issued) and {@code
 * revoked.txt} (serials refused even though the CA signed them). Bouncy Castle throughout.
 */
public final class CertificateAuthority {

  static final String CA_ALIAS = "ca";
  static final String SERVER_ALIAS = "server";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Provider BC = new BouncyCastleProvider();
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(825);

  private final Path dir;

  public CertificateAuthority(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public boolean exists() {
    return Files.exists(caKeyStore());
  }

  public Path caKeyStore() {
    return dir.resolve("ca.p12");
  }

  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  public Path serverKeyStore() {
    return dir.resolve("server.p12");
  }

  private Path revokedList() {
    return dir.resolve("revoked.txt");
  }

  private Path issuedDir() {
    return dir.resolve("issued");
  }

  /** The password of the CA and server keystores, generated beside them at {@link #init()}. */
  public char[] keyStorePassword() {
    try {
      return Files.readString(dir.resolve("keystore.password")).trim().toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException("The CA in " + dir + " has no keystore.password", e);
    }
  }

  /** Creates the CA key, its certificate and the gateway's server certificate (localhost). */
  public X509Certificate init() {
    if (exists()) {
      throw new IllegalStateException("A CA already exists in " + dir);
    }
    try {
      Files.createDirectories(issuedDir());
      byte[] random = new byte[18];
      new SecureRandom().nextBytes(random);
      Path passwordFile = dir.resolve("keystore.password");
      Files.writeString(passwordFile, Base64.getUrlEncoder().encodeToString(random));
      OwnerOnlyFiles.restrict(passwordFile);
      char[] password = keyStorePassword();

      KeyPair caKeys = newKeyPair();
      X500Name caName = new X500Name("CN=CYPMH gateway partner CA");
      X509v3CertificateBuilder builder =
          builder(caName, caName, caKeys.getPublic(), CA_VALIDITY)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCertificate = sign(builder, caKeys.getPrivate());
      writeKeyStore(caKeyStore(), CA_ALIAS, caKeys.getPrivate(), password, caCertificate);
      Files.writeString(caPem(), pem(caCertificate));

      KeyPair serverKeys = newKeyPair();
      X509v3CertificateBuilder server =
          builder(caName, new X500Name("CN=localhost"), serverKeys.getPublic(), SERVER_VALIDITY)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(
                      new GeneralName[] {
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                      }));
      writeKeyStore(
          serverKeyStore(),
          SERVER_ALIAS,
          serverKeys.getPrivate(),
          password,
          sign(server, caKeys.getPrivate()),
          caCertificate);
      return caCertificate;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(
          "Could not create the CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Issues a client certificate {@code CN=<clientId>,OU=<ODS code>} and writes it with its new key
   * and the CA certificate as PKCS#12.
   */
  public X509Certificate issue(
      String clientId, String odsCode, Path out, char[] password, Duration validity) {
    try {
      KeyStore ca = load(caKeyStore(), keyStorePassword());
      PrivateKey caKey = (PrivateKey) ca.getKey(CA_ALIAS, keyStorePassword());
      X509Certificate caCertificate = (X509Certificate) ca.getCertificate(CA_ALIAS);
      KeyPair keys = newKeyPair();
      X500Name subject = new X500Name(subjectOf(clientId, odsCode));
      X509v3CertificateBuilder builder =
          builder(
                  X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                  subject,
                  keys.getPublic(),
                  validity)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      X509Certificate certificate = sign(builder, caKey);
      writeKeyStore(out, clientId, keys.getPrivate(), password, certificate, caCertificate);
      Files.createDirectories(issuedDir());
      Files.writeString(issuedDir().resolve(serialOf(certificate) + ".pem"), pem(certificate));
      return certificate;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Could not issue a certificate: " + e.getMessage(), e);
    }
  }

  /** The subject the CLI gives a partner certificate; registrations match it. */
  public static String subjectOf(String clientId, String odsCode) {
    return "CN=" + clientId + ",OU=" + odsCode.toUpperCase(Locale.ROOT);
  }

  /** Every certificate issued, oldest first by file name order, with its revocation state. */
  public List<IssuedCertificate> list() {
    if (!Files.isDirectory(issuedDir())) {
      return List.of();
    }
    Set<String> revoked = revokedSerials();
    List<IssuedCertificate> issued = new ArrayList<>();
    try (Stream<Path> files = Files.list(issuedDir())) {
      for (Path file : files.sorted().toList()) {
        X509Certificate certificate = readPem(file);
        String serial = serialOf(certificate);
        issued.add(
            new IssuedCertificate(
                serial,
                certificate.getSubjectX500Principal().getName(),
                certificate.getNotAfter().toInstant(),
                fingerprint(certificate),
                revoked.contains(serial)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return issued;
  }

  /** Adds a serial (hex) to the revocation list; the gateway refuses it from the next request. */
  public boolean revoke(String serial) {
    String normalised = new BigInteger(serial.replace(":", ""), 16).toString(16);
    Set<String> revoked = revokedSerials();
    if (!revoked.add(normalised)) {
      return false;
    }
    try {
      Files.createDirectories(dir);
      Files.write(revokedList(), revoked);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  /** The revoked serials (lower-case hex without leading zeros). */
  public Set<String> revokedSerials() {
    if (!Files.exists(revokedList())) {
      return new TreeSet<>();
    }
    try {
      Set<String> serials = new TreeSet<>();
      for (String line : Files.readAllLines(revokedList())) {
        if (!line.isBlank()) {
          serials.add(new BigInteger(line.trim(), 16).toString(16));
        }
      }
      return serials;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long revokedListModified() {
    try {
      return Files.exists(revokedList()) ? Files.getLastModifiedTime(revokedList()).toMillis() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  public X509Certificate caCertificate() {
    return readPem(caPem());
  }

  public static String serialOf(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  public static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509Certificate readPem(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Not a PEM certificate: " + file, e);
    }
  }

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Duration validity)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofMinutes(5))),
            Date.from(now.plus(validity)),
            subject,
            key)
        .addExtension(
            Extension.subjectKeyIdentifier,
            false,
            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .setProvider(BC)
        .getCertificate(
            builder.build(new JcaContentSignerBuilder(SIGNATURE).setProvider(BC).build(key)));
  }

  private static void writeKeyStore(
      Path file, String alias, PrivateKey key, char[] password, Certificate... chain)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, password);
    store.setKeyEntry(alias, key, password, chain);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password);
    }
    OwnerOnlyFiles.restrict(file);
  }

  static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }

  /** One issued certificate, as {@code pki list} shows it. */
  public record IssuedCertificate(
      String serial, String subject, Instant notAfter, String fingerprint, boolean revoked) {}
}
