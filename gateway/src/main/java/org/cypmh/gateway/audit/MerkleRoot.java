package org.cypmh.gateway.audit;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The Merkle root of a seal's leaf hashes (SHA-256; an odd node is paired with itself). Leaves and
 * inner nodes are hashed with different prefixes, so a leaf can never pass for an inner node.
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
        byte[] left = level.get(i);
        byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
        next.add(hash((byte) 1, left, right));
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
