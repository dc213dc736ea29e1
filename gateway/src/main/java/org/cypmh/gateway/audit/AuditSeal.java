package org.cypmh.gateway.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hibernate.Length;

/**
 * One signed seal over a batch of audit records. The header (number, time, count, Merkle root of
 * the records, hash of the previous seal, key id) is hashed and signed; the manifest lists each
 * record's id and leaf hash, so verification can name exactly which record changed, vanished or
 * appeared. Seal numbers are consecutive: a missing seal shows as a gap.
 */
@Entity
@Table(name = "GW_AUDIT_SEAL")
public class AuditSeal {

  static final String GENESIS = "0".repeat(64);

  @Id
  @Column(name = "SEAL_NO")
  private long sealNo;

  @Column(name = "SEALED_AT", nullable = false)
  private Instant sealedAt;

  @Column(name = "RECORD_COUNT", nullable = false)
  private int recordCount;

  @Column(name = "LAST_RECORDED", nullable = false)
  private Instant lastRecorded;

  @Column(name = "MERKLE_ROOT", nullable = false, length = 64)
  private String merkleRoot;

  @Column(name = "PREVIOUS_HASH", nullable = false, length = 64)
  private String previousHash;

  @Column(name = "SEAL_HASH", nullable = false, length = 64)
  private String sealHash;

  @Column(name = "KEY_ID", nullable = false, length = 32)
  private String keyId;

  @Column(name = "SIGNATURE", nullable = false, length = 200)
  private String signature;

  /** One line per record, in sealed order: {@code id leafHash}. Null once purged by retention. */
  @Column(name = "MANIFEST", length = Length.LONG32)
  private String manifest;

  @Column(name = "PURGED_AT")
  private Instant purgedAt;

  protected AuditSeal() {}

  AuditSeal(
      long sealNo,
      Instant sealedAt,
      int recordCount,
      Instant lastRecorded,
      String merkleRoot,
      String previousHash,
      String keyId,
      String manifest) {
    this.sealNo = sealNo;
    this.sealedAt = sealedAt;
    this.recordCount = recordCount;
    this.lastRecorded = lastRecorded;
    this.merkleRoot = merkleRoot;
    this.previousHash = previousHash;
    this.keyId = keyId;
    this.manifest = manifest;
  }

  /** What is hashed and signed: everything but the manifest (which the Merkle root stands for). */
  byte[] header() {
    return String.join(
            "\n",
            "cypmh-audit-seal/1",
            String.valueOf(sealNo),
            String.valueOf(sealedAt.toEpochMilli()),
            String.valueOf(recordCount),
            String.valueOf(lastRecorded.toEpochMilli()),
            merkleRoot,
            previousHash,
            keyId)
        .getBytes(StandardCharsets.UTF_8);
  }

  void signed(String sealHash, String signature) {
    this.sealHash = sealHash;
    this.signature = signature;
  }

  void purged(Instant at) {
    this.manifest = null;
    this.purgedAt = at;
  }

  public long sealNo() {
    return sealNo;
  }

  public Instant sealedAt() {
    return sealedAt;
  }

  public int recordCount() {
    return recordCount;
  }

  Instant lastRecorded() {
    return lastRecorded;
  }

  String merkleRoot() {
    return merkleRoot;
  }

  String previousHash() {
    return previousHash;
  }

  String sealHash() {
    return sealHash;
  }

  String keyId() {
    return keyId;
  }

  String signature() {
    return signature;
  }

  String manifest() {
    return manifest;
  }

  boolean isPurged() {
    return purgedAt != null;
  }
}
