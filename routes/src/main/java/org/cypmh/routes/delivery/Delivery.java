package org.cypmh.routes.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DeliveredReferral;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.hibernate.Length;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One referral event on its way to one destination service: the payload exactly as it will be sent,
 * the idempotency key the partner sees on every attempt, and where it stands.
 *
 * <p>A pending delivery is a small state machine kept in its row, so any node can take the next
 * step: {@code attempts} counts the calls made (the retry budget is the row's), {@code
 * nextAttemptAt} says when the next attempt is due. A node that claims the delivery writes its name
 * in {@code leasedBy} and pushes {@code nextAttemptAt} forward by its lease, so if it dies another
 * node resumes the delivery when the lease runs out; recording the outcome clears {@code leasedBy}
 * and sets {@code nextAttemptAt} to the scheduled retry.
 */
@Entity
@Table(
    name = "GW_DELIVERY",
    indexes = {
      @Index(name = "IDX_GW_DELIVERY_DUE", columnList = "STATUS, NEXT_ATTEMPT_AT"),
      @Index(name = "IDX_GW_DELIVERY_SERVICE", columnList = "SERVICE_ID, STATUS"),
      @Index(name = "IDX_GW_DELIVERY_REFERRAL", columnList = "REFERRAL"),
      @Index(name = "IDX_GW_DELIVERY_PATIENT", columnList = "PATIENT, STATUS")
    })
public class Delivery {

  /** Where a delivery stands. */
  public enum Status {
    /** Being sent, or waiting to be. */
    PENDING,
    /** The partner accepted it. */
    DELIVERED,
    /** Retries exhausted or the partner refused it: an operator must look, then replay. */
    DEAD,
    /**
     * Not sent: consent does not permit it (yet). Looked at again whenever the young person's
     * consent changes, and sent if it then permits.
     */
    WITHHELD,
    /**
     * Not sent, and never will be: the referrer cancelled the referral before this version reached
     * the service.
     */
    CANCELLED
  }

  /** What is delivered. */
  public enum Kind {
    /** A referral (or its update) to a directory service. */
    REFERRAL,
    /** A change of a Task, to a subscriber's rest-hook endpoint. */
    NOTIFICATION,
    /**
     * Records the gateway shares with a directory service on its own initiative (a summary of brief
     * interventions), consent permitting.
     */
    RECORD,
    /**
     * A BaRS message the gateway passes on as it came (a booking request or response), re-addressed
     * to the directory service it was sent for, consent permitting.
     */
    MESSAGE
  }

  @Id
  @SequenceGenerator(
      name = "GW_DELIVERY_SEQ",
      sequenceName = "GW_DELIVERY_SEQ",
      allocationSize = 50)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_DELIVERY_SEQ")
  @Column(name = "ID")
  private Long id;

  @Column(name = "EVENT_ID", nullable = false)
  private Long eventId;

  // Nullable: rows written before notifications existed are referrals.
  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "KIND", length = 20)
  private Kind kind;

  /** For a notification: the subscriber's endpoint; referrals resolve theirs in the directory. */
  @Column(name = "ADDRESS", length = 500)
  private String address;

  /** For a notification: the configured client certificate to present, if any. */
  @Column(name = "CREDENTIALS", length = 100)
  private String credentials;

  @Column(name = "ROUTE_ID", nullable = false, length = 200)
  private String routeId;

  @Column(name = "SERVICE_ID", nullable = false, length = 100)
  private String serviceId;

  /** The destination HealthcareService, e.g. {@code HealthcareService/camhs-crisis}. */
  @Column(name = "SERVICE", nullable = false, length = 200)
  private String service;

  /** The referral, versionless, e.g. {@code ServiceRequest/123}. */
  @Column(name = "REFERRAL", nullable = false, length = 200)
  private String referral;

  /** The referral version sent, e.g. {@code ServiceRequest/123/_history/2}. */
  @Column(name = "FOCUS", nullable = false, length = 200)
  private String focus;

  @Column(name = "TASK", length = 200)
  private String task;

  @Column(name = "IDEMPOTENCY_KEY", nullable = false, length = 64)
  private String idempotencyKey;

  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "CONNECTION_TYPE", nullable = false, length = 20)
  private Connection connection;

  @Column(name = "PAYLOAD", nullable = false, length = Length.LONG32)
  private String payload;

  /** The young person, versionless, e.g. {@code Patient/123}: whose consent governs it. */
  @Column(name = "PATIENT", length = 200)
  private String patient;

  /** The consent decision's reason, in words. */
  @Column(name = "CONSENT", length = 500)
  private String consent;

  /** The consent rule that decided, e.g. {@code implied-consent}. */
  @Column(name = "CONSENT_RULE", length = 60)
  private String consentRule;

  /** How many resources the payload leaves out because the recipient may not have them. */
  @Column(name = "REDACTED")
  private Integer redacted;

  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "STATUS", nullable = false, length = 20)
  private Status status;

  @Column(name = "ATTEMPTS", nullable = false)
  private int attempts;

  /** Calls made before the current retry budget began: a replay gives a dead letter a new one. */
  @Column(name = "BUDGET_FROM", nullable = false)
  private int budgetFrom;

  /** When the next attempt is due; while a node holds the delivery, when its lease ends. */
  @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
  private Instant nextAttemptAt;

  /** The node holding the delivery (claimed, not finished), or null when any node may take it. */
  @Column(name = "LEASED_BY", length = 100)
  private String leasedBy;

  /** Why the last attempt failed: HTTP status and the partner's issue text, never our payload. */
  @Column(name = "LAST_ERROR", length = 1000)
  private String lastError;

  /** Where the partner stored it (Location of the referral), once delivered. */
  @Column(name = "PARTNER_LOCATION", length = 500)
  private String partnerLocation;

  @Column(name = "CREATED_AT", nullable = false)
  private Instant createdAt;

  @Column(name = "FINISHED_AT")
  private Instant finishedAt;

  protected Delivery() {}

  Delivery(
      Long eventId,
      String routeId,
      String serviceId,
      String service,
      String focus,
      String task,
      String idempotencyKey,
      Connection connection,
      String payload,
      String patient,
      ConsentDecision consent,
      int redacted,
      Instant now) {
    this.eventId = eventId;
    this.kind = Kind.REFERRAL;
    this.routeId = routeId;
    this.serviceId = serviceId;
    this.service = service;
    this.focus = focus;
    this.referral = focus.replaceAll("/_history/.*$", "");
    this.task = task;
    this.idempotencyKey = idempotencyKey;
    this.connection = connection;
    this.payload = payload;
    this.patient = patient;
    this.redacted = redacted;
    this.nextAttemptAt = now;
    this.createdAt = now;
    if (consent == null || consent.permitted()) {
      this.status = Status.PENDING;
      consented(consent);
    } else {
      withhold(consent, now);
    }
  }

  /** A notification of a Task change to a subscriber. */
  static Delivery notification(
      String subscription,
      String address,
      String credentials,
      String taskVersion,
      String payload,
      Instant now) {
    Delivery delivery =
        new Delivery(
            0L,
            "subscription",
            subscription,
            subscription,
            taskVersion,
            taskVersion.replaceAll("/_history/.*$", ""),
            java.util
                .UUID
                .nameUUIDFromBytes((subscription + "|" + taskVersion).getBytes())
                .toString(),
            Connection.FHIR_REST,
            payload,
            null,
            null,
            0,
            now);
    delivery.kind = Kind.NOTIFICATION;
    delivery.address = address;
    delivery.credentials = credentials;
    return delivery;
  }

  /** A BaRS message passed on to a directory service (not a referral the gateway tracks). */
  static Delivery message(
      long eventId,
      DirectoryService destination,
      String focus,
      String idempotencyKey,
      String payload,
      String patient,
      ConsentDecision consent,
      Instant now) {
    Delivery delivery =
        new Delivery(
            eventId,
            "bars-message",
            destination.serviceId(),
            destination.resourceId(),
            focus,
            null,
            idempotencyKey,
            Connection.BARS_MESSAGE,
            payload,
            patient,
            consent,
            0,
            now);
    delivery.kind = Kind.MESSAGE;
    return delivery;
  }

  /** Shared records (not a referral) to a directory service. */
  static Delivery record(
      long eventId,
      String routeId,
      DirectoryService destination,
      String focus,
      String idempotencyKey,
      String payload,
      String patient,
      ConsentDecision consent,
      int redacted,
      Instant now) {
    Delivery delivery =
        new Delivery(
            eventId,
            routeId,
            destination.serviceId(),
            destination.resourceId(),
            focus,
            null,
            idempotencyKey,
            Connection.FHIR_REST,
            payload,
            patient,
            consent,
            redacted,
            now);
    delivery.kind = Kind.RECORD;
    return delivery;
  }

  public Kind kind() {
    return kind == null ? Kind.REFERRAL : kind;
  }

  public String address() {
    return address;
  }

  public String credentials() {
    return credentials;
  }

  void leased(String node, Instant until) {
    leasedBy = node;
    nextAttemptAt = until;
  }

  /**
   * Whether {@code node} may attempt it now: it holds the lease, or the delivery is due (scheduled
   * time reached, another node's lease run out, or handed back). Not before a scheduled retry.
   */
  boolean attemptableBy(String node, Instant now) {
    return status == Status.PENDING && (node.equals(leasedBy) || !nextAttemptAt.isAfter(now));
  }

  void attempted(String node, Instant leaseUntil) {
    attempts++;
    leased(node, leaseUntil);
  }

  /** Waits until {@code at}; any node may then take it. */
  void scheduled(Instant at) {
    leasedBy = null;
    nextAttemptAt = at;
  }

  void delivered(String location, Instant now) {
    status = Status.DELIVERED;
    leasedBy = null;
    partnerLocation = location;
    lastError = null;
    finishedAt = now;
  }

  void failed(String error) {
    lastError = error;
  }

  void dead(String error, Instant now) {
    status = Status.DEAD;
    leasedBy = null;
    lastError = error;
    finishedAt = now;
  }

  /** The referral was cancelled before this reached the service: nothing more is sent. */
  void cancel(Instant now) {
    status = Status.CANCELLED;
    lastError = "cancelled by the referrer before delivery";
    finishedAt = now;
  }

  /** Consent no longer permits it (or is being re-checked): nothing more is sent. */
  void withhold(ConsentDecision decision, Instant now) {
    status = Status.WITHHELD;
    consented(decision);
    finishedAt = now;
  }

  /** Consent now permits it: due at once, with the payload this decision allows. */
  void release(String payload, int redacted, ConsentDecision decision, Instant now) {
    this.payload = payload;
    this.redacted = redacted;
    consented(decision);
    status = Status.PENDING;
    scheduled(now);
    finishedAt = null;
  }

  private void consented(ConsentDecision decision) {
    this.consent = decision == null ? null : truncate(decision.reason(), 500);
    this.consentRule = decision == null ? null : decision.rule();
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  void replay(Instant now) {
    status = Status.PENDING;
    budgetFrom = attempts;
    scheduled(now);
    finishedAt = null;
  }

  public Long id() {
    return id;
  }

  public Long eventId() {
    return eventId;
  }

  public String routeId() {
    return routeId;
  }

  public String serviceId() {
    return serviceId;
  }

  public String service() {
    return service;
  }

  public String referral() {
    return referral;
  }

  public String focus() {
    return focus;
  }

  public String task() {
    return task;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  public Connection connection() {
    return connection;
  }

  public String payload() {
    return payload;
  }

  public String patient() {
    return patient;
  }

  public String consentRule() {
    return consentRule;
  }

  /** Resources left out of the payload because the recipient is not cleared for them. */
  public int redacted() {
    return redacted == null ? 0 : redacted;
  }

  public String consent() {
    return consent;
  }

  public Status status() {
    return status;
  }

  /** Calls made to the partner so far: the retry budget spent. */
  public int attempts() {
    return attempts;
  }

  /** Calls made within the current retry budget (all of them, unless it was replayed). */
  public int attemptsInBudget() {
    return attempts - budgetFrom;
  }

  /** When the next attempt is due (while a node holds it: when its lease ends). */
  public Instant nextAttemptAt() {
    return nextAttemptAt;
  }

  public String leasedBy() {
    return leasedBy;
  }

  public String lastError() {
    return lastError;
  }

  public String partnerLocation() {
    return partnerLocation;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** This delivery, as the rest of the gateway reads one a partner accepted. */
  DeliveredReferral asDelivered() {
    return new DeliveredReferral(
        serviceId, service, patient, referral, focus, finishedAt, consent, redacted());
  }

  public Instant finishedAt() {
    return finishedAt;
  }
}
