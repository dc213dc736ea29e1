package org.cypmh.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.cypmh.gateway.storage.OwnerOnlyFiles;

/**
 * A partner's client key (EC P-256, PEM) and the signed JWT client assertions (RFC 7523, ES256) it
 * makes for {@code /oauth2/token}: {@code iss} = {@code sub} = client id, {@code aud} = the token
 * endpoint, a fresh {@code jti}, a short {@code exp}. Used by the CLI ({@code client-assertion})
 * and the demo set-up.
 */
public final class ClientAssertion {

  private ClientAssertion() {}

  /** Makes a new client key: the private key as PEM, the public key as a JWK Set beside it. */
  public static void newClientKey(Path privateKeyPem, Path publicJwks) {
    try {
      KeyPair pair = CertificateAuthority.newKeyPair();
      Files.createDirectories(privateKeyPem.toAbsolutePath().getParent());
      Files.writeString(privateKeyPem, CertificateAuthority.pem(pair.getPrivate()));
      OwnerOnlyFiles.restrict(privateKeyPem);
      ECKey publicKey =
          new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
              .keyID(UUID.randomUUID().toString())
              .build();
      Files.writeString(publicJwks, new JWKSet(publicKey).toString(true));
    } catch (Exception e) {
      throw new IllegalStateException("Could not make a client key: " + e.getMessage(), e);
    }
  }

  /** A signed assertion valid for {@code lifetime} from {@code issuedAt}. */
  public static String sign(
      Path privateKeyPem, String clientId, String audience, Instant issuedAt, Duration lifetime) {
    try {
      KeyPair pair = readKeyPair(privateKeyPem);
      JWTClaimsSet claims =
          new JWTClaimsSet.Builder()
              .issuer(clientId)
              .subject(clientId)
              .audience(audience)
              .jwtID(UUID.randomUUID().toString())
              .issueTime(Date.from(issuedAt))
              .expirationTime(Date.from(issuedAt.plus(lifetime)))
              .build();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
      jwt.sign(new ECDSASigner((ECPrivateKey) pair.getPrivate()));
      return jwt.serialize();
    } catch (JOSEException | IOException e) {
      throw new IllegalStateException("Could not sign a client assertion: " + e.getMessage(), e);
    }
  }

  private static KeyPair readKeyPair(Path pem) throws IOException {
    try (Reader reader = Files.newBufferedReader(pem);
        PEMParser parser = new PEMParser(reader)) {
      Object object = parser.readObject();
      if (object instanceof PEMKeyPair keyPair) {
        return new JcaPEMKeyConverter().getKeyPair(keyPair);
      }
      throw new IOException(pem + " is not an EC private key (PEM)");
    }
  }
}
