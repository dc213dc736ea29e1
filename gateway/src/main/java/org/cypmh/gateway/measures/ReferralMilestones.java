package org.cypmh.gateway.measures;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The milestone table: written in the caller's transaction, read as streams so a year of rows is
 * never held at once.
 */
@Component
public class ReferralMilestones {

  /** Rows fetched per round trip when streaming. */
  private static final int FETCH_SIZE = 500;

  @PersistenceContext private EntityManager entityManager;

  private final Clock clock;

  ReferralMilestones(Clock clock) {
    this.clock = clock;
  }

  /**
   * Adds a milestone, in the current transaction (a new one if there is none). Public for the tests
   * that seed a month of referrals with known times.
   */
  @Transactional(propagation = Propagation.REQUIRED)
  public void record(MilestoneFact fact) {
    entityManager.persist(new ReferralMilestone(fact, clock.instant()));
  }

  /** Every milestone of a referral, earliest first. */
  @Transactional(readOnly = true)
  public List<MilestoneFact> of(String referral) {
    return entityManager
        .createQuery(
            "from ReferralMilestone m where m.referral = :referral order by m.occurredAt, m.id",
            ReferralMilestone.class)
        .setParameter("referral", referral)
        .getResultList()
        .stream()
        .map(ReferralMilestone::fact)
        .toList();
  }

  /**
   * Every milestone of every referral that has one of the given kinds in {@code [from, to)},
   * grouped by referral (consecutive rows), so a caller can fold one referral at a time. Must be
   * consumed inside a transaction, and closed.
   */
  Stream<MilestoneFact> ofReferralsWith(List<Milestone> kinds, Instant from, Instant to) {
    return entityManager
        .createQuery(
            "from ReferralMilestone m where m.referral in (select s.referral from"
                + " ReferralMilestone s where s.milestone in :kinds and s.occurredAt >= :from and"
                + " s.occurredAt < :to) order by m.referral, m.occurredAt, m.id",
            ReferralMilestone.class)
        .setParameter("kinds", kinds)
        .setParameter("from", from)
        .setParameter("to", to)
        .setHint("org.hibernate.fetchSize", FETCH_SIZE)
        .setHint("org.hibernate.readOnly", true)
        .getResultStream()
        .map(this::detached);
  }

  /** Milestones of one kind in {@code [from, to)}, in time order; consume inside a transaction. */
  Stream<MilestoneFact> ofKind(Milestone kind, Instant from, Instant to) {
    return entityManager
        .createQuery(
            "from ReferralMilestone m where m.milestone = :kind and m.occurredAt >= :from and"
                + " m.occurredAt < :to order by m.occurredAt, m.id",
            ReferralMilestone.class)
        .setParameter("kind", kind)
        .setParameter("from", from)
        .setParameter("to", to)
        .setHint("org.hibernate.fetchSize", FETCH_SIZE)
        .setHint("org.hibernate.readOnly", true)
        .getResultStream()
        .map(this::detached);
  }

  /**
   * Referrals with a milestone at one provider in {@code [from, to)}: every milestone of each,
   * grouped by referral. Consume inside a transaction, and close.
   */
  Stream<MilestoneFact> ofReferralsAt(String provider, Instant from, Instant to) {
    return entityManager
        .createQuery(
            "from ReferralMilestone m where m.referral in (select s.referral from"
                + " ReferralMilestone s where s.provider = :provider and s.occurredAt >= :from and"
                + " s.occurredAt < :to) order by m.referral, m.occurredAt, m.id",
            ReferralMilestone.class)
        .setParameter("provider", provider)
        .setParameter("from", from)
        .setParameter("to", to)
        .setHint("org.hibernate.fetchSize", FETCH_SIZE)
        .setHint("org.hibernate.readOnly", true)
        .getResultStream()
        .map(this::detached);
  }

  /** Milestones of one kind at one provider in {@code [from, to)}, in time order. */
  Stream<MilestoneFact> ofKindAt(Milestone kind, String provider, Instant from, Instant to) {
    return entityManager
        .createQuery(
            "from ReferralMilestone m where m.milestone = :kind and m.provider = :provider and"
                + " m.occurredAt >= :from and m.occurredAt < :to order by m.occurredAt, m.id",
            ReferralMilestone.class)
        .setParameter("kind", kind)
        .setParameter("provider", provider)
        .setParameter("from", from)
        .setParameter("to", to)
        .setHint("org.hibernate.fetchSize", FETCH_SIZE)
        .setHint("org.hibernate.readOnly", true)
        .getResultStream()
        .map(this::detached);
  }

  /**
   * Writes what is pending and empties the persistence context, which every HAPI read in a long
   * extract would otherwise fill; an open result stream carries on.
   */
  void release() {
    entityManager.flush();
    entityManager.clear();
  }

  /** Lets the persistence context forget each row once read, so memory stays flat. */
  private MilestoneFact detached(ReferralMilestone row) {
    entityManager.detach(row);
    return row.fact();
  }
}
