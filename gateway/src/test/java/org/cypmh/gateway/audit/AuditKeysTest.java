package org.cypmh.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit keys and the Merkle root, without Spring: what seals and verification rely on. */
class AuditKeysTest {

  private static final byte[] HEADER = "cypmh-audit-seal/1\n1".getBytes(StandardCharsets.UTF_8);

  @TempDir Path folder;

  @Test
  void keysGeneratedAtFirstStartAreTheSameKeysAtTheNext() {
    AuditProperties.Keys settings = new AuditProperties.Keys(folder.resolve("audit.p12"), "", true);
    AuditKeys first = AuditKeys.load(settings);
    byte[] signature = first.sign(HEADER);

    AuditKeys again = AuditKeys.load(settings);

    assertThat(again.sealKeyId()).isEqualTo(first.sealKeyId());
    assertThat(again.verify(first.sealKeyId(), HEADER, signature)).isTrue();
    assertThat(again.mac(HEADER)).isEqualTo(first.mac(HEADER));
    assertThat(Files.exists(folder.resolve("audit.p12.password"))).isTrue();
  }

  @Test
  void aSignatureDoesNotVerifyForOtherBytesOrAnotherGatewaysKey() {
    AuditKeys ours = AuditKeys.load(new AuditProperties.Keys(folder.resolve("a.p12"), "pw", true));
    AuditKeys theirs =
        AuditKeys.load(new AuditProperties.Keys(folder.resolve("b.p12"), "pw", true));
    byte[] signature = theirs.sign(HEADER);

    assertThat(ours.verify(theirs.sealKeyId(), HEADER, signature)).isFalse();
    assertThat(ours.verify(ours.sealKeyId(), HEADER, signature)).isFalse();
    assertThat(ours.verify(ours.sealKeyId(), "other".getBytes(), ours.sign(HEADER))).isFalse();
    assertThat(ours.mac(HEADER)).isNotEqualTo(theirs.mac(HEADER));
  }

  @Test
  void productionWithoutItsKeystoreDoesNotStart() {
    Path missing = folder.resolve("missing.p12");

    assertThatThrownBy(() -> AuditKeys.load(new AuditProperties.Keys(missing, "pw", false)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gateway.audit.keys.generate is false");
    assertThat(Files.exists(missing)).isFalse();
  }

  @Test
  void theMerkleRootChangesWithAnyLeafAndTheirOrder() {
    byte[] a = AuditKeys.sha256("a".getBytes());
    byte[] b = AuditKeys.sha256("b".getBytes());
    byte[] c = AuditKeys.sha256("c".getBytes());

    String root = MerkleRoot.of(List.of(a, b, c));

    assertThat(root).hasSize(64).isEqualTo(MerkleRoot.of(List.of(a, b, c)));
    assertThat(MerkleRoot.of(List.of(a, c, b))).isNotEqualTo(root);
    assertThat(MerkleRoot.of(List.of(a, b))).isNotEqualTo(root);
    assertThat(MerkleRoot.of(List.of(a, b, c, c))).isNotEqualTo(root);
    // A single leaf's root is not the leaf itself (leaves and nodes are hashed apart).
    assertThat(MerkleRoot.of(List.of(a))).isNotEqualTo(HexFormat.of().formatHex(a));
  }

  /**
   * Records and seals written before keep verifying: the digest and MAC are standard SHA-256 and
   * HMAC-SHA256 (FIPS 180-4 "abc" vector; the MAC as an independent HMAC computes it with the
   * keystore's record key).
   */
  @Test
  void recordDigestsAndMacsAreStandardSha256AndHmacSha256() throws Exception {
    assertThat(HexFormat.of().formatHex(AuditKeys.sha256("abc".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    Path keystore = folder.resolve("audit.p12");
    AuditKeys keys = AuditKeys.load(new AuditProperties.Keys(keystore, "pw", true));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      store.load(in, "pw".toCharArray());
    }
    byte[] recordKey = store.getKey(AuditKeys.MAC_ALIAS, "pw".toCharArray()).getEncoded();
    HMac independent = new HMac(new SHA256Digest());
    independent.init(new KeyParameter(recordKey));
    independent.update(HEADER, 0, HEADER.length);
    byte[] expected = new byte[independent.getMacSize()];
    independent.doFinal(expected, 0);

    assertThat(keys.mac(HEADER)).isEqualTo(HexFormat.of().formatHex(expected));
  }
}
