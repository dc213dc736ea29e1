package org.cypmh.gateway.audit;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cypmh.gateway.audit.AuditVerification.Kind;
import org.cypmh.gateway.audit.AuditVerification.Problem;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checks the whole audit trail: every seal's hash, signature (with a gateway key) and link to the
 * previous seal; every sealed record against its manifest; and every record no seal lists, which
 * must carry the gateway's MAC (it is then simply waiting for the sealer).
 */
@Component
class AuditVerifier {

  private static final int PAGE = 200;
  private static final int ID_CHUNK = 500;
  private static final int MAX_PROBLEMS = 100;

  private final AuditKeys keys;
  private final AuditSealer sealer;

  @PersistenceContext private EntityManager entityManager;

  AuditVerifier(AuditKeys keys, AuditSealer sealer) {
    this.keys = keys;
    this.sealer = sealer;
  }

  @Transactional(readOnly = true)
  public AuditVerification verify() {
    List<Problem> problems = new ArrayList<>();
    String previousHash = AuditSeal.GENESIS;
    long expected = 1;
    int seals = 0;
    long records = 0;
    for (int page = 0; ; page++) {
      List<AuditSeal> batch =
          entityManager
              .createQuery("from AuditSeal s order by s.sealNo", AuditSeal.class)
              .setFirstResult(page * PAGE)
              .setMaxResults(PAGE)
              .getResultList();
      for (AuditSeal seal : batch) {
        if (seal.sealNo() != expected) {
          problems.add(
              sealProblem(
                  expected, "seals " + expected + " to " + (seal.sealNo() - 1) + " are missing"));
        } else if (!seal.previousHash().equals(previousHash)) {
          problems.add(sealProblem(seal.sealNo(), "does not follow the previous seal"));
        }
        checkHeader(seal, problems);
        if (!seal.isPurged()) {
          records += checkRecords(seal, problems);
        }
        previousHash = seal.sealHash();
        expected = seal.sealNo() + 1;
        seals++;
        entityManager.detach(seal);
      }
      if (batch.size() < PAGE) {
        break;
      }
      entityManager.clear();
    }
    long pending = checkUnsealed(expected - 1, problems);
    return new AuditVerification(
        seals, records, pending, problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
  }

  private void checkHeader(AuditSeal seal, List<Problem> problems) {
    byte[] header = seal.header();
    if (!HexFormat.of().formatHex(AuditKeys.sha256(header)).equals(seal.sealHash())) {
      problems.add(sealProblem(seal.sealNo(), "its header was altered"));
    } else if (!keys.verify(seal.keyId(), header, Base64.getDecoder().decode(seal.signature()))) {
      problems.add(sealProblem(seal.sealNo(), "its signature is not a gateway key's"));
    }
  }

  /** Checks the records a seal lists, and finds rows claiming the seal that it does not list. */
  private int checkRecords(AuditSeal seal, List<Problem> problems) {
    Map<String, String> manifest = new LinkedHashMap<>();
    List<byte[]> leaves = new ArrayList<>();
    for (String line : seal.manifest().split("\n")) {
      if (!line.isBlank()) {
        String[] parts = line.split(" ");
        manifest.put(parts[0], parts[1]);
        leaves.add(HexFormat.of().parseHex(parts[1]));
      }
    }
    if (!MerkleRoot.of(leaves).equals(seal.merkleRoot()) || manifest.size() != seal.recordCount()) {
      problems.add(sealProblem(seal.sealNo(), "its list of records was altered"));
    }
    Map<String, AuditRecord> rows = rows(new ArrayList<>(manifest.keySet()));
    for (Map.Entry<String, String> listed : manifest.entrySet()) {
      AuditRecord row = rows.get(listed.getKey());
      if (row == null) {
        problems.add(
            new Problem(
                Kind.DELETED,
                listed.getKey(),
                seal.sealNo(),
                "listed in the seal, not in the trail"));
      } else if (!HexFormat.of().formatHex(MerkleRoot.leaf(row)).equals(listed.getValue())
          || !sealer.hasGatewayMac(row)) {
        problems.add(
            new Problem(Kind.EDITED, row.id(), seal.sealNo(), "differs from what was sealed"));
      }
    }
    entityManager
        .createQuery("select r.id from AuditRecord r where r.sealNo = :seal", String.class)
        .setParameter("seal", seal.sealNo())
        .getResultList()
        .stream()
        .filter(id -> !manifest.containsKey(id))
        .forEach(
            id ->
                problems.add(
                    new Problem(
                        Kind.INSERTED, id, seal.sealNo(), "claims a seal that does not list it")));
    rows.values().forEach(entityManager::detach);
    return manifest.size();
  }

  /**
   * Rows no checked seal lists: each must carry the gateway's MAC (it then waits for the sealer).
   * Returns how many wait.
   */
  private long checkUnsealed(long lastSeal, List<Problem> problems) {
    long pending = 0;
    for (int page = 0; ; page++) {
      List<AuditRecord> rows =
          entityManager
              .createQuery(
                  "from AuditRecord r where r.sealNo is null or r.sealNo > :last"
                      + " order by r.recorded, r.id",
                  AuditRecord.class)
              .setParameter("last", lastSeal)
              .setFirstResult(page * PAGE)
              .setMaxResults(PAGE)
              .getResultList();
      for (AuditRecord row : rows) {
        // A row sealed after this check began carries a newer seal number: it waits too.
        if (sealer.hasGatewayMac(row)) {
          pending++;
        } else {
          problems.add(
              new Problem(Kind.INSERTED, row.id(), null, "not made by the gateway (no valid MAC)"));
        }
      }
      entityManager.clear();
      if (rows.size() < PAGE) {
        return pending;
      }
    }
  }

  private Map<String, AuditRecord> rows(List<String> ids) {
    Map<String, AuditRecord> rows = new HashMap<>();
    for (int from = 0; from < ids.size(); from += ID_CHUNK) {
      entityManager
          .createQuery("from AuditRecord r where r.id in :ids", AuditRecord.class)
          .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + ID_CHUNK)))
          .getResultList()
          .forEach(r -> rows.put(r.id(), r));
    }
    return rows;
  }

  private static Problem sealProblem(long sealNo, String detail) {
    return new Problem(Kind.SEAL_BROKEN, null, sealNo, "seal " + sealNo + ": " + detail);
  }
}
