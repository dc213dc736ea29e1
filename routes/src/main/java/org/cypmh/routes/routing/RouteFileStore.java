package org.cypmh.routes.routing;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The route files kept in the database ({@link RouteFileVersion}): versions are only added, each in
 * its own transaction, and two nodes saving the same file at once cannot both win (the unique file
 * and version).
 */
@Component
class RouteFileStore {

  private final TransactionTemplate transaction;
  private final Clock clock;

  @PersistenceContext private EntityManager entityManager;

  RouteFileStore(PlatformTransactionManager transactionManager, Clock clock) {
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
  }

  /** Every file's highest version number, deleted files included: cheap enough to poll. */
  Map<String, Integer> latestVersions() {
    return transaction.execute(tx -> queryLatestVersions());
  }

  Optional<RouteFileVersion> version(String fileName, int version) {
    return transaction.execute(tx -> queryVersion(fileName, version));
  }

  /** A file's versions, newest first. */
  List<RouteFileVersion> history(String fileName) {
    return transaction.execute(
        tx ->
            entityManager
                .createQuery(
                    "from RouteFileVersion v where v.fileName = :name order by v.version desc",
                    RouteFileVersion.class)
                .setParameter("name", fileName)
                .getResultList());
  }

  /**
   * Adds a version: the file's new text, or its deletion ({@code content} null).
   *
   * @param basedOn the version the editor started from; when given and no longer the latest, the
   *     save is refused (409) rather than overwrite someone else's change
   */
  RouteFileVersion save(
      String fileName, String content, String changedBy, String note, Integer basedOn) {
    try {
      return transaction.execute(
          tx -> {
            int latest = queryLatestVersions().getOrDefault(fileName, 0);
            Optional<RouteFileVersion> current = queryVersion(fileName, latest);
            if (basedOn != null && basedOn != latest) {
              throw new ResourceVersionConflictException(
                  "Route file "
                      + fileName
                      + " is at version "
                      + latest
                      + ", not "
                      + basedOn
                      + ": someone changed it since; start from the current version");
            }
            if (content == null && current.map(RouteFileVersion::deleted).orElse(true)) {
              throw new ResourceNotFoundException("No route file " + fileName + " to delete");
            }
            RouteFileVersion version =
                new RouteFileVersion(
                    fileName,
                    latest + 1,
                    content,
                    content == null ? null : sha256(content),
                    changedBy,
                    clock.instant(),
                    note);
            entityManager.persist(version);
            entityManager.flush();
            return version;
          });
    } catch (PersistenceException | DataIntegrityViolationException e) {
      throw new ResourceVersionConflictException(
          "Route file " + fileName + " was changed by someone else at the same moment; try again");
    }
  }

  /**
   * The first start on an empty table: the given files become version 1. Nodes starting together
   * import once; the others find the versions already there.
   */
  void importIfEmpty(Map<String, String> files, String changedBy, String note) {
    try {
      transaction.executeWithoutResult(
          tx -> {
            Long stored =
                entityManager
                    .createQuery("select count(v) from RouteFileVersion v", Long.class)
                    .getSingleResult();
            if (stored > 0) {
              return;
            }
            files.forEach(
                (name, text) ->
                    entityManager.persist(
                        new RouteFileVersion(
                            name, 1, text, sha256(text), changedBy, clock.instant(), note)));
            entityManager.flush();
          });
    } catch (PersistenceException | DataIntegrityViolationException e) {
      // Another node imported the same files first: theirs are version 1.
    }
  }

  private Map<String, Integer> queryLatestVersions() {
    Map<String, Integer> latest = new LinkedHashMap<>();
    entityManager
        .createQuery(
            "select v.fileName, max(v.version) from RouteFileVersion v"
                + " group by v.fileName order by v.fileName",
            Object[].class)
        .getResultList()
        .forEach(row -> latest.put((String) row[0], ((Number) row[1]).intValue()));
    return latest;
  }

  private Optional<RouteFileVersion> queryVersion(String fileName, int version) {
    return entityManager
        .createQuery(
            "from RouteFileVersion v where v.fileName = :name and v.version = :version",
            RouteFileVersion.class)
        .setParameter("name", fileName)
        .setParameter("version", version)
        .getResultStream()
        .findFirst();
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
