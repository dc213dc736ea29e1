package org.cypmh.gateway.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seals audit records in batches: the records not yet sealed (oldest first) are listed in a new
 * seal whose header carries their Merkle root and the previous seal's hash, signed with the
 * gateway's key. Writers never wait for it: they only insert rows. Two nodes sealing at once both
 * try to write the next seal number; the loser's transaction fails and it tries again next time. A
 * row without the gateway's MAC (made outside the gateway) is never sealed.
 */
@Component
public class AuditSealer {

  private static final Logger log = LoggerFactory.getLogger(AuditSealer.class);
  private static final int UPDATE_CHUNK = 500;

  private final AuditKeys keys;
  private final AuditProperties properties;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Set<String> forged = ConcurrentHashMap.newKeySet();

  @PersistenceContext private EntityManager entityManager;

  AuditSealer(
      AuditKeys keys,
      AuditProperties properties,
      PlatformTransactionManager transactionManager,
      Clock clock) {
    this.keys = keys;
    this.properties = properties;
    this.transaction = new TransactionTemplate(transactionManager);
    this.clock = clock;
  }

  /** The newest seal, if any. */
  public java.util.Optional<AuditSeal> lastSeal() {
    return entityManager
        .createQuery("from AuditSeal s order by s.sealNo desc", AuditSeal.class)
        .setMaxResults(1)
        .getResultList()
        .stream()
        .findFirst();
  }

  /**
   * Seals everything pending, batch by batch; one sealer at a time per node (requests never wait
   * for it). Returns how many records it sealed.
   */
  public synchronized int sealPending() {
    int total = 0;
    try {
      for (int sealed; (sealed = sealBatch()) > 0; ) {
        total += sealed;
      }
    } catch (DataIntegrityViolationException
        | ConcurrencyFailureException
        | PersistenceException e) {
      // The seal number was taken meanwhile (another node, or $audit-verify?seal=true).
      log.debug("Another sealer sealed first; sealing again next time");
    }
    return total;
  }

  private int sealBatch() {
    Integer sealed = transaction.execute(tx -> sealNext());
    return sealed == null ? 0 : sealed;
  }

  private int sealNext() {
    List<AuditRecord> pending = pending();
    List<AuditRecord> genuine = new ArrayList<>();
    for (AuditRecord record : pending) {
      if (hasGatewayMac(record)) {
        genuine.add(record);
      } else if (forged.add(record.id())) {
        log.warn(
            "Audit record {} does not carry the gateway's MAC: not sealed; $audit-verify reports"
                + " it",
            record.id());
      }
    }
    if (genuine.isEmpty()) {
      return 0;
    }
    AuditSeal last =
        entityManager
            .createQuery("from AuditSeal s order by s.sealNo desc", AuditSeal.class)
            .setMaxResults(1)
            .getResultStream()
            .findFirst()
            .orElse(null);
    List<byte[]> leaves = new ArrayList<>();
    StringBuilder manifest = new StringBuilder();
    Instant lastRecorded = Instant.EPOCH;
    for (AuditRecord record : genuine) {
      byte[] leaf = MerkleRoot.leaf(record);
      leaves.add(leaf);
      manifest.append(record.id()).append(' ').append(HexFormat.of().formatHex(leaf)).append('\n');
      if (record.recorded().isAfter(lastRecorded)) {
        lastRecorded = record.recorded();
      }
    }
    long sealNo = last == null ? 1 : last.sealNo() + 1;
    AuditSeal seal =
        new AuditSeal(
            sealNo,
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
            genuine.size(),
            lastRecorded,
            MerkleRoot.of(leaves),
            last == null ? AuditSeal.GENESIS : last.sealHash(),
            keys.sealKeyId(),
            manifest.toString());
    byte[] header = seal.header();
    seal.signed(
        HexFormat.of().formatHex(AuditKeys.sha256(header)),
        Base64.getEncoder().encodeToString(keys.sign(header)));
    entityManager.persist(seal);
    // The seal row first: if another node took this number, fail before touching any record.
    entityManager.flush();
    List<String> ids = genuine.stream().map(AuditRecord::id).toList();
    for (int from = 0; from < ids.size(); from += UPDATE_CHUNK) {
      entityManager
          .createQuery("update AuditRecord r set r.sealNo = :seal where r.id in :ids")
          .setParameter("seal", sealNo)
          .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + UPDATE_CHUNK)))
          .executeUpdate();
    }
    return genuine.size();
  }

  private List<AuditRecord> pending() {
    String skip = forged.isEmpty() ? "" : " and r.id not in :forged";
    var query =
        entityManager
            .createQuery(
                "from AuditRecord r where r.sealNo is null" + skip + " order by r.recorded, r.id",
                AuditRecord.class)
            .setMaxResults(properties.sealMaxRecords());
    if (!forged.isEmpty()) {
      query.setParameter("forged", forged);
    }
    return query.getResultList();
  }

  boolean hasGatewayMac(AuditRecord record) {
    return record.mac() != null
        && MessageDigest.isEqual(
            keys.mac(record.canonicalBytes()).getBytes(StandardCharsets.US_ASCII),
            record.mac().getBytes(StandardCharsets.US_ASCII));
  }
}
