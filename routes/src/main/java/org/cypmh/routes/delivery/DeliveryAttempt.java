package org.cypmh.routes.delivery;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** One HTTP exchange with a partner for a delivery, kept for operators and for the audit trail. */
@Entity
@Table(
    name = "GW_DELIVERY_ATTEMPT",
    indexes = @Index(name = "IDX_GW_ATTEMPT_DELIVERY", columnList = "DELIVERY_ID, NUMBER"))
public class DeliveryAttempt {

  @Id
  @SequenceGenerator(name = "GW_ATTEMPT_SEQ", sequenceName = "GW_ATTEMPT_SEQ", allocationSize = 50)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_ATTEMPT_SEQ")
  @Column(name = "ID")
  private Long id;

  @Column(name = "DELIVERY_ID", nullable = false)
  private Long deliveryId;

  @Column(name = "NUMBER", nullable = false)
  private int number;

  @Column(name = "STARTED_AT", nullable = false)
  private Instant startedAt;

  @Column(name = "DURATION_MS", nullable = false)
  private long durationMs;

  /** The partner's HTTP status, or null if there was no response (timeout, refused, breaker). */
  @Column(name = "HTTP_STATUS")
  private Integer httpStatus;

  @Column(name = "OUTCOME", nullable = false, length = 1000)
  private String outcome;

  protected DeliveryAttempt() {}

  DeliveryAttempt(
      Long deliveryId,
      int number,
      Instant startedAt,
      long durationMs,
      Integer httpStatus,
      String outcome) {
    this.deliveryId = deliveryId;
    this.number = number;
    this.startedAt = startedAt;
    this.durationMs = durationMs;
    this.httpStatus = httpStatus;
    this.outcome = outcome;
  }

  public int number() {
    return number;
  }

  public Instant startedAt() {
    return startedAt;
  }

  public long durationMs() {
    return durationMs;
  }

  public Integer httpStatus() {
    return httpStatus;
  }

  public String outcome() {
    return outcome;
  }
}
