package org.cypmh.gateway.audit;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Merkle root of a seal's leaf hashes (SHA-256). Leaves and inner nodes are hashed with
 * different prefixes, so a leaf can never pass for an inner node; an odd node is carried up as it
 * is, not paired with itself, so a list with its last leaf repeated has a different root.
 */
final class MerkleRoot {

  private MerkleRoot() {}

  static String of(List<byte[]> leaves) {
    if (leaves.isEmpty()) {
      return AuditSeal.GENESIS;
    }
    List<byte[]> level = new ArrayList<>();
    leaves.forEach(leaf -> level.add(hash((byte) 0, leaf, new byte[0])));
    while (level.size() > 1) {
      List<byte[]> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += 2) {
        next.add(
            i + 1 < level.size() ? hash((byte) 1, level.get(i), level.get(i + 1)) : level.get(i));
      }
      level.clear();
      level.addAll(next);
    }
    return HexFormat.of().formatHex(level.get(0));
  }

  /** The leaf hash of one record, as listed in a seal's manifest. */
  static byte[] leaf(AuditRecord record) {
    return AuditKeys.sha256(record.canonicalBytes());
  }

  private static byte[] hash(byte prefix, byte[] left, byte[] right) {
    byte[] input = new byte[1 + left.length + right.length];
    input[0] = prefix;
    System.arraycopy(left, 0, input, 1, left.length);
    System.arraycopy(right, 0, input, 1 + left.length, right.length);
    return AuditKeys.sha256(input);
  }
}
