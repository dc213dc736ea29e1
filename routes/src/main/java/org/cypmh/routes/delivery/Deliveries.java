package org.cypmh.routes.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cypmh.routes.LeasedClaim;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DeliveredReferral;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.PlannedShare;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.delivery.Delivery.Status;
import org.cypmh.routes.routing.PlannedDelivery;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The delivery ledger: every state change of a delivery, in a transaction of its own together with
 * the Task feedback and audit entry it implies (an attempt's outcome shares its transaction with
 * the outcomes of other attempts ending at the same time: {@link GroupCommit}).
 */
@Component
public class Deliveries implements DeliveryRecords {

  private static final LeasedClaim DUE_DELIVERIES =
      new LeasedClaim(
          "GW_DELIVERY",
          "STATUS = 'PENDING' and NEXT_ATTEMPT_AT <= :now",
          "NEXT_ATTEMPT_AT",
          "Delivery",
          "nextAttemptAt");

  /**
   * This node, as written in the deliveries it holds: host, process and a random part (a restarted
   * process is a new node, and hands back nothing of its predecessor's).
   */
  private final String node =
      truncated(
          hostName()
              + "/"
              + ProcessHandle.current().pid()
              + "/"
              + UUID.randomUUID().toString().substring(0, 8));

  private final TransactionTemplate transaction;
  private final GroupCommit attemptCommits;
  private final DeliveryFeedback feedback;
  private final PartnerPayloads payloads;
  private final DeliveryQueue queue;
  private final Clock clock;
  private final RoutesProperties.Delivery settings;
  private final DeliveryMetrics metrics;

  @PersistenceContext private EntityManager entityManager;

  Deliveries(
      PlatformTransactionManager transactionManager,
      DeliveryFeedback feedback,
      PartnerPayloads payloads,
      DeliveryQueue queue,
      Clock clock,
      RoutesProperties properties,
      DeliveryMetrics metrics) {
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.attemptCommits = new GroupCommit(transaction, Deliveries::lostARace);
    this.feedback = feedback;
    this.payloads = payloads;
    this.queue = queue;
    this.clock = clock;
    this.settings = properties.delivery();
    this.metrics = metrics;
  }

  /**
   * Stores what the routes decided, one delivery per destination, inside the caller's (routing)
   * transaction. Returns the ids of those to send now; withheld ones are recorded, not sent.
   */
  public List<Long> store(
      long eventId, String focus, String task, String patient, List<PlannedDelivery> plans) {
    Instant now = clock.instant();
    List<Long> toSend = new ArrayList<>();
    for (PlannedDelivery plan : plans) {
      PartnerEndpoint endpoint = plan.destination().endpoint();
      Connection connection = endpoint == null ? Connection.FHIR_REST : endpoint.connection();
      String key =
          UUID.nameUUIDFromBytes((focus + "|" + plan.destination().serviceId()).getBytes(UTF_8))
              .toString();
      PartnerPayloads.Redacted payload = payloads.json(plan, connection, key);
      Delivery delivery =
          new Delivery(
              eventId,
              plan.routeId(),
              plan.destination().serviceId(),
              plan.destination().resourceId(),
              focus,
              task,
              key,
              connection,
              payload.payload(),
              patient,
              plan.consent(),
              payload.leftOut(),
              now);
      entityManager.persist(delivery);
      if (delivery.status() == Status.WITHHELD) {
        feedback.withheld(delivery, plan.consent());
      }
      // Leased to this node from birth: it sends them at once; if it dies, the lease runs out.
      delivery.leased(node, now.plus(settings.lease()));
      if (delivery.status() == Status.PENDING) {
        toSend.add(delivery.id());
      }
    }
    return toSend;
  }

  /**
   * Stores shared records for each destination, inside the caller's (routing) transaction, under an
   * idempotency key made of the event and the destination. Returns the ids of those to send now.
   */
  public List<Long> storeShares(long eventId, String focus, List<PlannedShare> shares) {
    Instant now = clock.instant();
    List<Long> toSend = new ArrayList<>();
    for (PlannedShare share : shares) {
      String key =
          UUID.nameUUIDFromBytes(
                  ("share|" + eventId + "|" + share.destination().serviceId()).getBytes(UTF_8))
              .toString();
      PartnerPayloads.Redacted payload = payloads.records(share.record(), share.consent(), key);
      Delivery delivery =
          Delivery.record(
              eventId,
              share.routeId(),
              share.destination(),
              focus,
              key,
              payload.payload(),
              share.record().patientId(),
              share.consent(),
              payload.leftOut(),
              now);
      entityManager.persist(delivery);
      delivery.leased(node, now.plus(settings.lease()));
      if (delivery.status() == Status.PENDING) {
        toSend.add(delivery.id());
      }
    }
    return toSend;
  }

  /**
   * Stores a BaRS message passed on to one directory service, inside the caller's (routing)
   * transaction. Returns its id if it may be sent now (consent permitting), else nothing.
   */
  public List<Long> storeMessage(
      long eventId,
      String focus,
      String patient,
      DirectoryService destination,
      ConsentDecision consent,
      String payload,
      String idempotencyKey) {
    Instant now = clock.instant();
    Delivery delivery =
        Delivery.message(
            eventId, destination, focus, idempotencyKey, payload, patient, consent, now);
    entityManager.persist(delivery);
    delivery.leased(node, now.plus(settings.lease()));
    return delivery.status() == Status.PENDING ? List.of(delivery.id()) : List.of();
  }

  /**
   * The referral was cancelled: every delivery of it that has not been attempted (pending, or
   * withheld by consent) is stopped in the caller's transaction, so no earlier version reaches a
   * service after the cancellation. Returns the services that may have received it (delivered, or
   * an attempt under way), who must be told.
   */
  public List<String> cancelUnsent(String referral) {
    Instant now = clock.instant();
    List<String> told = new ArrayList<>();
    // Locked: a sender starting an attempt now either counted it first or finds it cancelled.
    List<Delivery> all =
        entityManager
            .createQuery(
                "from Delivery d where d.referral = :referral order by d.id", Delivery.class)
            .setParameter("referral", referral)
            .setLockMode(LockModeType.PESSIMISTIC_WRITE)
            .getResultList();
    for (Delivery delivery : all) {
      boolean unsent =
          (delivery.status() == Status.PENDING && delivery.attempts() == 0)
              || delivery.status() == Status.WITHHELD;
      if (unsent) {
        delivery.cancel(now);
      } else if (delivery.status() != Status.CANCELLED && !told.contains(delivery.serviceId())) {
        told.add(delivery.serviceId());
      }
    }
    return told;
  }

  /**
   * Stops every delivery of this young person's data that has not gone yet, in the caller's
   * transaction (the one changing their consent): from its commit no attempt starts, and retries
   * under way find nothing to send. Routing then looks at each again under the new consent.
   */
  @Override
  public int holdForConsentChange(String patient) {
    Instant now = clock.instant();
    ConsentDecision rechecking =
        ConsentDecision.deny(
            "consent-changed", "the young person's consent changed: being checked again");
    List<Delivery> pending = new ArrayList<>(ofPatient(patient, Status.PENDING));
    pending.addAll(sharesOfPatient(patient, Status.PENDING));
    pending.forEach(d -> d.withhold(rechecking, now));
    return pending.size();
  }

  /** Deliveries of this young person's referrals in this state, oldest first. */
  public List<Delivery> ofPatient(String patient, Status status) {
    return entityManager
        .createQuery(
            "from Delivery d where d.patient = :patient and d.status = :status"
                + " and (d.kind is null or d.kind = :referral) order by d.id",
            Delivery.class)
        .setParameter("patient", patient)
        .setParameter("status", status)
        .setParameter("referral", Delivery.Kind.REFERRAL)
        .getResultList();
  }

  /** Deliveries of records shared about this young person in this state, oldest first. */
  public List<Delivery> sharesOfPatient(String patient, Status status) {
    return entityManager
        .createQuery(
            "from Delivery d where d.patient = :patient and d.status = :status"
                + " and d.kind = :record order by d.id",
            Delivery.class)
        .setParameter("patient", patient)
        .setParameter("status", status)
        .setParameter("record", Delivery.Kind.RECORD)
        .getResultList();
  }

  /**
   * Acts on a withheld delivery's new consent decision, in the caller's transaction: sent as soon
   * as the transaction commits if it now permits (leaving out what the decision withholds), kept
   * back with the new reason if not.
   */
  public void reconsidered(Delivery delivery, ConsentDecision decision) {
    Instant now = clock.instant();
    if (!decision.permitted()) {
      delivery.withhold(decision, now);
      feedback.withheld(delivery, decision);
      return;
    }
    PartnerPayloads.Redacted payload =
        payloads.redact(delivery.payload(), decision.withheldLabels());
    delivery.release(payload.payload(), delivery.redacted() + payload.leftOut(), decision, now);
    delivery.leased(node, now.plus(settings.lease()));
    sendAfterCommit(delivery.id());
  }

  /**
   * Queues a notification of a Task change to a subscriber, inside the transaction that changes the
   * Task: the notification is as durable as the change. Sent by this node once the transaction
   * commits; by any node after the lease if this one dies first.
   */
  @Override
  public void notifySubscriber(
      String subscription, String address, String credentials, String taskVersion, String payload) {
    Instant now = clock.instant();
    Delivery delivery =
        Delivery.notification(subscription, address, credentials, taskVersion, payload, now);
    entityManager.persist(delivery);
    delivery.leased(node, now.plus(settings.lease()));
    sendAfterCommit(delivery.id());
  }

  private void sendAfterCommit(Long id) {
    TransactionSynchronizationManager.registerSynchronization(
        new TransactionSynchronization() {
          @Override
          public void afterCommit() {
            queue.send(id);
          }
        });
  }

  /**
   * Claims up to {@code max} due deliveries for this node: pending ones whose due time has passed,
   * which includes those another node leased and abandoned. Rows other nodes are claiming right now
   * are skipped, not waited for.
   */
  List<Long> claimDue(int max) {
    Instant now = clock.instant();
    return transaction.execute(
        tx ->
            DUE_DELIVERIES.claim(
                entityManager, max, now, now.plus(settings.lease()), "leasedBy", node));
  }

  /** The delivery if it is still pending (read only: nothing is locked or counted). */
  Optional<Delivery> pending(long deliveryId) {
    return transaction.execute(
        tx ->
            Optional.ofNullable(entityManager.find(Delivery.class, deliveryId))
                .filter(d -> d.status() == Status.PENDING));
  }

  /**
   * Starts an attempt: counts it and renews this node's lease for the call. Empty if this node may
   * not send it: no longer pending (delivered, dead), or its lease ran out and another node claimed
   * it. The row is locked while this is decided, so two nodes never both start the same attempt.
   */
  Optional<Delivery> startAttempt(long deliveryId) {
    // Not a GroupCommit: a start that waited for a group's commit was released together with the
    // deliveries that group's outcomes queued, and a subscriber's notification of an older Task
    // version then raced the newer one (and lost, in RoutingOnH2Test).
    return transaction.execute(
        tx -> {
          Delivery delivery =
              entityManager.find(Delivery.class, deliveryId, LockModeType.PESSIMISTIC_WRITE);
          Instant now = clock.instant();
          if (delivery == null || !delivery.attemptableBy(node, now)) {
            return Optional.<Delivery>empty();
          }
          delivery.attempted(node, now.plus(settings.lease()));
          return Optional.of(delivery);
        });
  }

  /**
   * Not attempted now (the partner's breaker is open, or the gateway failed): due again at {@code
   * at}, by any node. Left alone if this node no longer holds it.
   */
  void postpone(long deliveryId, Instant at) {
    transaction.executeWithoutResult(
        tx -> {
          Delivery delivery =
              entityManager.find(Delivery.class, deliveryId, LockModeType.PESSIMISTIC_WRITE);
          if (delivery != null && delivery.attemptableBy(node, clock.instant())) {
            delivery.scheduled(at);
          }
        });
  }

  /**
   * Hands back a delivery this node holds but will not attempt (it is stopping): due at once, for
   * any node.
   */
  void handBack(long deliveryId) {
    postpone(deliveryId, clock.instant());
  }

  /**
   * Hands back every delivery this node holds, but those it is still sending: due at once, for any
   * node. Returns how many.
   */
  int handBackAll(Collection<Long> sending) {
    return transaction.execute(
        tx -> {
          var handBack =
              entityManager
                  .createQuery(
                      "update Delivery d set d.nextAttemptAt = :now, d.leasedBy = null"
                          + " where d.leasedBy = :node and d.status = :pending"
                          + (sending.isEmpty() ? "" : " and d.id not in :sending"))
                  .setParameter("now", clock.instant())
                  .setParameter("node", node)
                  .setParameter("pending", Status.PENDING);
          if (!sending.isEmpty()) {
            handBack.setParameter("sending", sending);
          }
          return handBack.executeUpdate();
        });
  }

  void delivered(long deliveryId, String address, PartnerResponse response, Instant started) {
    attemptCommits.commit(
        () -> {
          Delivery delivery = entityManager.find(Delivery.class, deliveryId);
          if (delivery.status() == Status.DELIVERED) {
            // Recorded already (an acceptance recorded late, after another node resent it).
            return null;
          }
          record(delivery, address, response, started);
          delivery.delivered(response.location(), clock.instant());
          metrics.delivered(delivery);
          if (delivery.kind() == Delivery.Kind.REFERRAL) {
            feedback.delivered(delivery);
          }
          return null;
        });
  }

  /**
   * Records a failed call and, in the same transaction, what follows: the next attempt at {@code
   * retryAt}, by any node, or (empty) a dead letter with the partner's answer as its error.
   */
  void failed(
      long deliveryId,
      String address,
      PartnerResponse response,
      Instant started,
      Optional<Instant> retryAt) {
    attemptCommits.commit(
        () -> {
          Delivery delivery = entityManager.find(Delivery.class, deliveryId);
          record(delivery, address, response, started);
          delivery.failed(response.summary());
          if (delivery.status() != Status.PENDING) {
            // Cancelled or withheld while the call was under way: nothing more to schedule.
            return null;
          }
          if (retryAt.isPresent()) {
            delivery.scheduled(retryAt.get());
          } else {
            dead(delivery, response.summary());
          }
          return null;
        });
  }

  private void dead(Delivery delivery, String error) {
    delivery.dead(error, clock.instant());
    metrics.deadLettered(delivery);
    if (delivery.kind() != Delivery.Kind.NOTIFICATION) {
      feedback.dead(delivery);
    }
  }

  /**
   * Puts dead letters back in the queue: one by id, or all of a destination service. Returns how
   * many.
   */
  public int replay(Long deliveryId, String serviceId) {
    return transaction.execute(
        tx -> {
          List<Delivery> dead = deadLetters(deliveryId, serviceId);
          dead.forEach(d -> d.replay(clock.instant()));
          return dead.size();
        });
  }

  /** Dead letters, oldest first: one by id, all of a service, or all (both null). */
  public List<Delivery> deadLetters(Long deliveryId, String serviceId) {
    StringBuilder query = new StringBuilder("from Delivery d where d.status = :dead");
    if (deliveryId != null) {
      query.append(" and d.id = :id");
    }
    if (serviceId != null) {
      query.append(" and d.serviceId = :service");
    }
    var typed =
        entityManager
            .createQuery(query.append(" order by d.id").toString(), Delivery.class)
            .setParameter("dead", Status.DEAD);
    if (deliveryId != null) {
      typed.setParameter("id", deliveryId);
    }
    if (serviceId != null) {
      typed.setParameter("service", serviceId);
    }
    return typed.setMaxResults(1000).getResultList();
  }

  @Override
  public List<DeliveredReferral> deliveredTo(String patient) {
    return ofPatient(patient, Status.DELIVERED).stream().map(Delivery::asDelivered).toList();
  }

  @Override
  public List<DeliveredReferral> deliveredReferrals() {
    return transaction.execute(
        tx ->
            entityManager
                .createQuery(
                    "from Delivery d where d.status = :delivered"
                        + " and (d.kind is null or d.kind = :referral) order by d.id",
                    Delivery.class)
                .setParameter("delivered", Status.DELIVERED)
                .setParameter("referral", Delivery.Kind.REFERRAL)
                .getResultStream()
                .map(Delivery::asDelivered)
                .toList());
  }

  /**
   * Deliveries created since, counted by route, destination service and status: rows of {route,
   * serviceId, status name, count}.
   */
  public List<Object[]> countsSince(Instant since) {
    return entityManager
        .createQuery(
            "select d.routeId, d.serviceId, d.status, count(d) from Delivery d"
                + " where d.createdAt >= :since group by d.routeId, d.serviceId, d.status",
            Object[].class)
        .setParameter("since", since)
        .getResultList();
  }

  /** When each destination service last accepted a delivery: rows of {serviceId, instant}. */
  public List<Object[]> lastDeliveredByService() {
    return entityManager
        .createQuery(
            "select d.serviceId, max(d.finishedAt) from Delivery d where d.status = :delivered"
                + " group by d.serviceId",
            Object[].class)
        .setParameter("delivered", Status.DELIVERED)
        .getResultList();
  }

  /** One delivery, if it exists. */
  /** Deliveries consent keeps back, oldest first. */
  public List<Delivery> withheld(int max) {
    return entityManager
        .createQuery("from Delivery d where d.status = :withheld order by d.id", Delivery.class)
        .setParameter("withheld", Status.WITHHELD)
        .setMaxResults(max)
        .getResultList();
  }

  public Optional<Delivery> find(long deliveryId) {
    return Optional.ofNullable(entityManager.find(Delivery.class, deliveryId));
  }

  /** Every delivery of a referral (versionless id), oldest first. */
  public List<Delivery> ofReferral(String referral) {
    return entityManager
        .createQuery("from Delivery d where d.referral = :referral order by d.id", Delivery.class)
        .setParameter("referral", referral)
        .getResultList();
  }

  public List<DeliveryAttempt> attemptsOf(long deliveryId) {
    return entityManager
        .createQuery(
            "from DeliveryAttempt a where a.deliveryId = :id order by a.number",
            DeliveryAttempt.class)
        .setParameter("id", deliveryId)
        .getResultList();
  }

  /**
   * Whether the change lost a race for a resource version. HAPI says so itself when it finds out at
   * commit; on PostgreSQL a losing write can also surface earlier, at a flush inside an
   * interceptor, as the unique index on resource versions ({@code IDX_RESVER_ID_VER}) aborting the
   * transaction, wrapped in whatever ran the next statement.
   */
  static boolean lostARace(Throwable e) {
    // Causes and, for SQL errors, the driver's chained "next" exceptions.
    Deque<Throwable> toSee = new ArrayDeque<>(List.of(e));
    java.util.Set<Throwable> seen =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    while (!toSee.isEmpty()) {
      Throwable cause = toSee.pop();
      if (!seen.add(cause)) {
        continue;
      }
      if (cause instanceof ResourceVersionConflictException
          || cause instanceof ConcurrencyFailureException) {
        return true;
      }
      if (cause instanceof SQLException sql) {
        if ("23505".equals(sql.getSQLState())
            && String.valueOf(sql.getMessage()).toLowerCase().contains("idx_resver_id_ver")) {
          return true;
        }
        if (sql.getNextException() != null) {
          toSee.push(sql.getNextException());
        }
      }
      if (cause.getCause() != null) {
        toSee.push(cause.getCause());
      }
    }
    return false;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "node";
    }
  }

  private static String truncated(String name) {
    return name.length() <= 100 ? name : name.substring(name.length() - 100);
  }

  private void record(
      Delivery delivery, String address, PartnerResponse response, Instant started) {
    feedback.attempted(delivery, response, address);
    metrics.attempted(delivery, response);
    entityManager.persist(
        new DeliveryAttempt(
            delivery.id(),
            delivery.attempts(),
            started,
            Math.max(0, clock.millis() - started.toEpochMilli()),
            response.httpStatus(),
            response.summary()));
  }
}
