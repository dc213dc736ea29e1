package org.cypmh.gateway.security;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replay protection for client assertions: a {@code jti} is accepted once per client until the
 * assertion expires, across every node, by inserting it into {@code GW_CLIENT_ASSERTION} (client id
 * and jti are the key; a duplicate insert is a replay). Assertions must have a {@code jti} and
 * expire within {@code gateway.security.tokens.max-assertion-age}, which bounds what is kept;
 * expired rows are purged (at most once a minute per node).
 */
@Component
class ClientAssertionReplay {

  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  private final Duration maxAge;
  private final Clock clock;
  private final TransactionTemplate transactions;
  private volatile Instant purgedAt = Instant.MIN;

  @PersistenceContext private EntityManager entityManager;

  ClientAssertionReplay(
      SecurityProperties properties, Clock clock, PlatformTransactionManager transactionManager) {
    this.maxAge = properties.tokens().maxAssertionAge();
    this.clock = clock;
    this.transactions = new TransactionTemplate(transactionManager);
    this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  boolean firstUse(String clientId, Jwt assertion) {
    Instant now = clock.instant();
    Instant expires = assertion.getExpiresAt();
    String jti = assertion.getId();
    if (jti == null
        || jti.isBlank()
        || jti.length() > UsedClientAssertion.MAX_JTI
        || expires == null
        || expires.isAfter(now.plus(maxAge))) {
      return false;
    }
    purgeExpired(now);
    try {
      return Boolean.TRUE.equals(
          transactions.execute(
              status -> {
                if (entityManager.find(
                        UsedClientAssertion.class, new UsedClientAssertion.Key(clientId, jti))
                    != null) {
                  return false;
                }
                entityManager.persist(new UsedClientAssertion(clientId, jti, expires));
                entityManager.flush();
                return true;
              }));
    } catch (RuntimeException e) {
      if (isDuplicateKey(e)) {
        // Another node (or thread) inserted it first: a replay.
        return false;
      }
      throw e;
    }
  }

  private void purgeExpired(Instant now) {
    if (purgedAt.isAfter(now.minus(PURGE_EVERY))) {
      return;
    }
    purgedAt = now;
    transactions.executeWithoutResult(
        status ->
            entityManager
                .createQuery("delete from UsedClientAssertion u where u.expiresAt < :now")
                .setParameter("now", now)
                .executeUpdate());
  }

  private static boolean isDuplicateKey(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataIntegrityViolationException
          || cause instanceof jakarta.persistence.EntityExistsException
          || cause instanceof org.hibernate.exception.ConstraintViolationException
          || (cause instanceof SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("23"))) {
        return true;
      }
    }
    return false;
  }
}
