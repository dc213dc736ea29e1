package org.cypmh.gateway.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cypmh.gateway.storage.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's keys, all made and used through Bouncy Castle: an EC P-256 key that signs seals
 * (its self-signed certificate, and those of earlier keys, verify them) and a secret key that MACs
 * every record as it is written. Loaded from a PKCS#12 keystore; generated into one at first start
 * when configured to (the embedded default), never committed.
 */
public final class AuditKeys {

  static final String SEAL_ALIAS = "audit-seal";
  static final String MAC_ALIAS = "audit-record-mac";
  private static final String SIGNATURE = "SHA256withECDSA";
  // An instance, not a registered provider: nothing else in the JVM changes its crypto choices.
  private static final Provider BC = new BouncyCastleProvider();
  private static final Logger log = LoggerFactory.getLogger(AuditKeys.class);

  private final PrivateKey sealKey;
  private final String sealKeyId;
  private final Map<String, PublicKey> verifiers;
  private final byte[] macKey;

  private AuditKeys(
      PrivateKey sealKey, String sealKeyId, Map<String, PublicKey> verifiers, byte[] macKey) {
    this.sealKey = sealKey;
    this.sealKeyId = sealKeyId;
    this.verifiers = Map.copyOf(verifiers);
    this.macKey = macKey.clone();
  }

  /** Loads the keystore, first creating it if it is missing and generation is allowed. */
  static AuditKeys load(AuditProperties.Keys settings) {
    try {
      Path keystore = settings.keystore();
      char[] password = password(settings);
      if (!Files.exists(keystore)) {
        if (!settings.generate()) {
          throw new IllegalStateException(
              "Audit keystore "
                  + keystore
                  + " does not exist and gateway.audit.keys.generate is false: provide the"
                  + " production keystore (see README, Audit)");
        }
        generate(keystore, password);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      return from(store, password);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("Cannot load the audit keystore: " + e.getMessage(), e);
    }
  }

  private static AuditKeys from(KeyStore store, char[] password) throws GeneralSecurityException {
    PrivateKey sealKey = (PrivateKey) store.getKey(SEAL_ALIAS, password);
    SecretKey mac = (SecretKey) store.getKey(MAC_ALIAS, password);
    if (sealKey == null || mac == null) {
      throw new GeneralSecurityException(
          "the keystore needs a '" + SEAL_ALIAS + "' key and a '" + MAC_ALIAS + "' secret key");
    }
    Map<String, PublicKey> verifiers = new HashMap<>();
    for (String alias : Collections.list(store.aliases())) {
      Certificate certificate = store.getCertificate(alias);
      if (alias.startsWith(SEAL_ALIAS) && certificate != null) {
        verifiers.put(keyId(certificate.getPublicKey()), certificate.getPublicKey());
      }
    }
    String sealKeyId = keyId(store.getCertificate(SEAL_ALIAS).getPublicKey());
    return new AuditKeys(sealKey, sealKeyId, verifiers, mac.getEncoded());
  }

  private static void generate(Path keystore, char[] password)
      throws GeneralSecurityException, IOException, OperatorCreationException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair pair = generator.generateKeyPair();
    X509Certificate certificate = selfSigned(pair);
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, password);
    store.setKeyEntry(SEAL_ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
    store.setEntry(
        MAC_ALIAS,
        new KeyStore.SecretKeyEntry(new SecretKeySpec(secret, "HmacSHA256")),
        new KeyStore.PasswordProtection(password));
    Files.createDirectories(keystore.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(keystore)) {
      store.store(out, password);
    }
    OwnerOnlyFiles.restrict(keystore);
    log.info("Generated audit sealing keys in {} (embedded default; not for production)", keystore);
  }

  private static X509Certificate selfSigned(KeyPair pair)
      throws OperatorCreationException, GeneralSecurityException {
    X500Name name = new X500Name("CN=CYPMH gateway audit seal");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(1, ChronoUnit.DAYS)),
            Date.from(now.plus(3650, ChronoUnit.DAYS)),
            name,
            pair.getPublic());
    return new JcaX509CertificateConverter()
        .setProvider(BC)
        .getCertificate(
            builder.build(
                new JcaContentSignerBuilder(SIGNATURE).setProvider(BC).build(pair.getPrivate())));
  }

  /** The configured password, or the one generated beside the keystore on first start. */
  private static char[] password(AuditProperties.Keys settings) throws IOException {
    if (!settings.password().isEmpty()) {
      return settings.password().toCharArray();
    }
    Path file = settings.keystore().resolveSibling(settings.keystore().getFileName() + ".password");
    if (!Files.exists(file)) {
      if (!settings.generate()) {
        throw new IOException("gateway.audit.keys.password is not set");
      }
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      OwnerOnlyFiles.restrict(file);
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
  }

  /** A short, stable name for a public key: the start of the SHA-256 of its encoding. */
  static String keyId(PublicKey key) {
    return HexFormat.of().formatHex(sha256(key.getEncoded())).substring(0, 16);
  }

  // SHA-256 and HMAC-SHA256 come from the JDK, whose SHA-256 runs on the CPU's SHA instructions
  // where it has them: each record is hashed and MACed when written and again when sealed, and the
  // pure-Java digest cost several percent of intake CPU. The output is the same bytes.
  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }

  /** HMAC-SHA256 of a record, with the secret key: only the gateway can make it. */
  String mac(byte[] data) {
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(macKey, "HmacSHA256"));
      return HexFormat.of().formatHex(hmac.doFinal(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK has HmacSHA256", e);
    }
  }

  String sealKeyId() {
    return sealKeyId;
  }

  byte[] sign(byte[] data) {
    try {
      Signature signature = Signature.getInstance(SIGNATURE, BC);
      signature.initSign(sealKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign an audit seal", e);
    }
  }

  /** True if the key named {@code keyId} is one of ours and signed these bytes. */
  boolean verify(String keyId, byte[] data, byte[] signatureBytes) {
    PublicKey key = verifiers.get(keyId);
    if (key == null) {
      return false;
    }
    try {
      Signature signature = Signature.getInstance(SIGNATURE, BC);
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  Set<String> knownKeyIds() {
    return verifiers.keySet();
  }
}
