package org.cypmh.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
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
}
