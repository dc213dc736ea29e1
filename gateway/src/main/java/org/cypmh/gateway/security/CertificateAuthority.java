package org.cypmh.gateway.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
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
 * certificate), {@code issued/<serial>.pem} (every partner certificate issued) and {@code crl.pem}
 * (the X.509 CRL of certificates refused even though the CA signed them, signed by the CA). Bouncy
 * Castle throughout. An older {@code revoked.txt} (one serial a line) is folded into the CRL.
 */
public final class CertificateAuthority {

  static final String CA_ALIAS = "ca";
  static final String SERVER_ALIAS = "server";
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final Provider BC = new BouncyCastleProvider();
  private static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(825);

  /** How long a CRL is current ({@code nextUpdate}); the gateway re-signs it before then. */
  public static final Duration CRL_VALIDITY = Duration.ofDays(7);

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

  /** The serials revoked before CRLs, one a line; folded into the CRL by {@link #revoke}. */
  private Path legacyRevokedList() {
    return dir.resolve("revoked.txt");
  }

  /** The CA's CRL (PEM), signed by the CA; what the gateway checks client certificates against. */
  public Path crlFile() {
    return dir.resolve("crl.pem");
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

  /**
   * Adds a serial (hex) to the CA's CRL and re-signs it; the gateway refuses the certificate from
   * the next request. False when it was already revoked.
   */
  public synchronized boolean revoke(String serial) {
    BigInteger number = new BigInteger(serial.replace(":", ""), 16);
    Map<BigInteger, Date> revoked = revokedEntries();
    boolean added = revoked.putIfAbsent(number, new Date()) == null;
    if (added || Files.exists(legacyRevokedList())) {
      writeCrl(revoked);
    }
    return added;
  }

  /**
   * Re-signs the CRL with a new {@code thisUpdate}/{@code nextUpdate} (same entries), folding in an
   * older {@code revoked.txt}; the gateway does this before the CRL's {@code nextUpdate}.
   */
  public synchronized X509CRL renewCrl() {
    return writeCrl(revokedEntries());
  }

  /** The revoked serials (lower-case hex without leading zeros). */
  public Set<String> revokedSerials() {
    Set<String> serials = new TreeSet<>();
    revokedEntries().keySet().forEach(serial -> serials.add(serial.toString(16)));
    return serials;
  }

  /** The CA's current CRL, or null when none has been written. */
  public X509CRL crl() {
    return Files.exists(crlFile()) ? readCrl(crlFile()) : null;
  }

  /** Revoked serials with their revocation dates: the CRL's and the old list's. */
  private Map<BigInteger, Date> revokedEntries() {
    Map<BigInteger, Date> entries = new TreeMap<>();
    X509CRL crl = crl();
    if (crl != null && crl.getRevokedCertificates() != null) {
      for (X509CRLEntry entry : crl.getRevokedCertificates()) {
        entries.put(entry.getSerialNumber(), entry.getRevocationDate());
      }
    }
    if (Files.exists(legacyRevokedList())) {
      try {
        Date folded = new Date(Files.getLastModifiedTime(legacyRevokedList()).toMillis());
        for (String line : Files.readAllLines(legacyRevokedList())) {
          if (!line.isBlank()) {
            entries.putIfAbsent(new BigInteger(line.trim().replace(":", ""), 16), folded);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return entries;
  }

  private X509CRL writeCrl(Map<BigInteger, Date> revoked) {
    try {
      char[] password = keyStorePassword();
      KeyStore ca = load(caKeyStore(), password);
      PrivateKey caKey = (PrivateKey) ca.getKey(CA_ALIAS, password);
      X509Certificate caCertificate = (X509Certificate) ca.getCertificate(CA_ALIAS);
      X509CRL previous = crl();
      BigInteger number = BigInteger.ONE;
      if (previous != null) {
        byte[] extension = previous.getExtensionValue(Extension.cRLNumber.getId());
        if (extension != null) {
          number =
              CRLNumber.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
                  .getCRLNumber()
                  .add(BigInteger.ONE);
        }
      }
      X509CRL crl =
          signCrl(
              X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
              caCertificate,
              caKey,
              revoked,
              Instant.now(),
              CRL_VALIDITY,
              number);
      Path partial = crlFile().resolveSibling("crl.pem.partial");
      Files.writeString(partial, pem(crl));
      Files.move(
          partial, crlFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      if (Files.exists(legacyRevokedList())) {
        Files.move(
            legacyRevokedList(),
            dir.resolve("revoked.txt.folded-into-crl"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      return crl;
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(
          "Could not write the CRL in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * A CRL (v2) of the given serials, signed with the CA key: {@code thisUpdate} now, {@code
   * nextUpdate} after {@code validity}, a CRL number and the CA's key identifier.
   */
  public static X509CRL signCrl(
      X500Name issuer,
      X509Certificate caCertificate,
      PrivateKey caKey,
      Map<BigInteger, Date> revoked,
      Instant now,
      Duration validity,
      BigInteger number)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    X509v2CRLBuilder builder = new X509v2CRLBuilder(issuer, Date.from(now));
    builder.setNextUpdate(Date.from(now.plus(validity)));
    revoked.forEach((serial, date) -> builder.addCRLEntry(serial, date, CRLReason.unspecified));
    builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caCertificate));
    String algorithm = caKey.getAlgorithm().startsWith("EC") ? SIGNATURE : "SHA256withRSA";
    return new JcaX509CRLConverter()
        .setProvider(BC)
        .getCRL(builder.build(new JcaContentSignerBuilder(algorithm).setProvider(BC).build(caKey)));
  }

  /** A CRL file, PEM or DER. */
  public static X509CRL readCrl(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Not a CRL (PEM or DER): " + file + ": " + e.getMessage(), e);
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
