package org.cypmh.routes.outbox;

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
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * Something the routing engine must act on, written in the same database transaction as the
 * resource it is about: if the resource is stored, its event is too, whatever crashes afterwards.
 *
 * <p>A pending event is available from {@code availableAt}: a node that claims it pushes that time
 * forward by its lease, so a node that dies mid-routing releases the event by simply not finishing.
 */
@Entity
@Table(
    name = "GW_OUTBOX_EVENT",
    indexes = @Index(name = "IDX_GW_OUTBOX_STATUS", columnList = "STATUS, ID"))
class OutboxEvent {

  /** Where the routing engine is with it. */
  public enum Status {
    PENDING,
    DONE
  }

  @Id
  @SequenceGenerator(name = "GW_OUTBOX_SEQ", sequenceName = "GW_OUTBOX_SEQ", allocationSize = 50)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_OUTBOX_SEQ")
  @Column(name = "ID")
  private Long id;

  // Plain VARCHAR: Hibernate's native H2 enum type breaks its own schema update on restart.
  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "EVENT_TYPE", nullable = false, length = 40)
  private OutboxEventType type;

  /** The resource the event is about, e.g. {@code ServiceRequest/123/_history/1}. */
  @Column(name = "FOCUS", nullable = false, length = 200)
  private String focus;

  /** The referral's tracking Task, e.g. {@code Task/124}. */
  @Column(name = "TASK", length = 200)
  private String task;

  @Column(name = "CREATED_AT", nullable = false)
  private Instant createdAt;

  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "STATUS", nullable = false, length = 20)
  private Status status;

  @Column(name = "AVAILABLE_AT")
  private Instant availableAt;

  @Column(name = "ATTEMPTS")
  private Integer attempts;

  /**
   * The directory service the sender named as target (BaRS {@code NHSD-Target-Identifier}): the
   * referral goes there instead of through the routing rules.
   */
  @Column(name = "TARGET_SERVICE", length = 100)
  private String targetService;

  /**
   * Events with the same group key are routed together, as one summary (e.g. a young person's brief
   * interventions of one day); null: alone.
   */
  @Column(name = "GROUP_KEY", length = 200)
  private String groupKey;

  /** Why routing last failed: a class of problem, never resource content. */
  @Column(name = "LAST_ERROR", length = 500)
  private String lastError;

  protected OutboxEvent() {}

  OutboxEvent(OutboxMessage message) {
    this.type = message.type();
    this.focus = message.focus();
    this.task = message.task();
    this.createdAt = message.createdAt();
    this.availableAt = message.availableAt();
    this.targetService = message.targetService();
    this.groupKey = message.groupKey();
    this.attempts = 0;
    this.status = Status.PENDING;
  }

  public String groupKey() {
    return groupKey;
  }

  public String targetService() {
    return targetService;
  }

  public Long id() {
    return id;
  }

  public OutboxEventType type() {
    return type;
  }

  public String focus() {
    return focus;
  }

  public String task() {
    return task;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public Status status() {
    return status;
  }

  public int attempts() {
    return attempts == null ? 0 : attempts;
  }

  public String lastError() {
    return lastError;
  }

  void done() {
    status = Status.DONE;
    lastError = null;
  }

  void failed(String error, Instant retryAt) {
    attempts = attempts() + 1;
    lastError = error;
    availableAt = retryAt;
  }
}
