package org.cypmh.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
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
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cypmh.gateway.storage.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that signs access tokens (RSA, RS256), kept in a PKCS#12 keystore ({@code
 * gateway.security.tokens.signing-keystore}, entry {@code token-signing}) so tokens outlive a
 * restart and every node configured with the same keystore accepts the others' tokens. Generated at
 * first start when allowed (the embedded default), with a random password beside it unless one is
 * configured; the {@code prod} profile must provide it.
 */
final class TokenSigningKeys {

  static final String ALIAS = "token-signing";
  private static final Logger log = LoggerFactory.getLogger(TokenSigningKeys.class);

  private TokenSigningKeys() {}

  /** The signing key as a JWK Set (key id: its RFC 7638 thumbprint, the same on every node). */
  static JWKSet load(SecurityProperties.Tokens settings) {
    Path keystore = settings.signingKeystore();
    try {
      char[] password = password(settings);
      if (!Files.exists(keystore)) {
        if (!settings.generateSigningKeystore()) {
          throw new IllegalStateException(
              "Token signing keystore "
                  + keystore
                  + " does not exist and gateway.security.tokens.generate-signing-keystore is"
                  + " false: provide it (see README, Partner security)");
        }
        generate(keystore, password);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      if (!(store.getKey(ALIAS, password) instanceof PrivateKey key)
          || !(store.getCertificate(ALIAS).getPublicKey() instanceof RSAPublicKey publicKey)) {
        throw new GeneralSecurityException("it needs an RSA key entry '" + ALIAS + "'");
      }
      RSAKey jwk = new RSAKey.Builder(publicKey).privateKey(key).build();
      return new JWKSet(new RSAKey.Builder(jwk).keyID(jwk.computeThumbprint().toString()).build());
    } catch (IOException | GeneralSecurityException | JOSEException | OperatorCreationException e) {
      throw new IllegalStateException(
          "gateway.security.tokens.signing-keystore: cannot load " + keystore + ": " + e, e);
    }
  }

  /** Creates the keystore unless another node made it meanwhile (a lock file beside it). */
  private static void generate(Path keystore, char[] password)
      throws IOException, GeneralSecurityException, OperatorCreationException {
    Path parent = keystore.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try (FileChannel channel =
            FileChannel.open(
                parent.resolve(keystore.getFileName() + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      if (Files.exists(keystore)) {
        return;
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=CYPMH gateway token signing");
      Instant now = Instant.now();
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  new JcaX509v3CertificateBuilder(
                          name,
                          new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                          Date.from(now.minus(Duration.ofDays(1))),
                          Date.from(now.plus(Duration.ofDays(3650))),
                          name,
                          pair.getPublic())
                      .build(
                          new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, password);
      store.setKeyEntry(ALIAS, pair.getPrivate(), password, new Certificate[] {certificate});
      Path partial = parent.resolve(keystore.getFileName() + ".partial");
      try (OutputStream out = Files.newOutputStream(partial)) {
        store.store(out, password);
      }
      OwnerOnlyFiles.restrict(partial);
      Files.move(partial, keystore, StandardCopyOption.ATOMIC_MOVE);
      log.info(
          "Generated the access-token signing keystore {} (embedded default; not for production)",
          keystore);
    }
  }

  /** The configured password, or the one generated beside the keystore on first start. */
  private static char[] password(SecurityProperties.Tokens settings) throws IOException {
    if (!settings.signingKeystorePassword().isEmpty()) {
      return settings.signingKeystorePassword().toCharArray();
    }
    Path keystore = settings.signingKeystore();
    Path file = keystore.resolveSibling(keystore.getFileName() + ".password");
    if (!Files.exists(file)) {
      if (!settings.generateSigningKeystore()) {
        throw new IOException("gateway.security.tokens.signing-keystore-password is not set");
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.writeString(partial, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      OwnerOnlyFiles.restrict(partial);
      try {
        // Not over one another node wrote meanwhile.
        Files.move(partial, file);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        Files.deleteIfExists(partial);
      }
    }
    return Files.readString(file, StandardCharsets.UTF_8).trim().toCharArray();
  }
}
