package org.cypmh.gateway.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.hibernate.Length;

/**
 * One stored audit event: the AuditEvent as JSON plus the columns it is searched by. Written once
 * and never changed, except that the sealer notes which seal covers it. The MAC, made with the
 * gateway's secret key when the row is written, is what shows a row that did not come from the
 * gateway.
 */
@Entity
@Table(
    name = "GW_AUDIT_RECORD",
    indexes = {
      @Index(name = "IDX_GW_AUDIT_PATIENT", columnList = "PATIENT, RECORDED"),
      @Index(name = "IDX_GW_AUDIT_AGENT", columnList = "AGENT, RECORDED"),
      @Index(name = "IDX_GW_AUDIT_RECORDED", columnList = "RECORDED, ID"),
      @Index(name = "IDX_GW_AUDIT_SEAL", columnList = "SEAL_NO, RECORDED")
    })
public class AuditRecord {

  /** The AuditEvent id: random, so that it can be part of the MAC before the row exists. */
  @Id
  @Column(name = "ID", length = 36)
  private String id;

  @Column(name = "RECORDED", nullable = false)
  private Instant recorded;

  /** The event type code (e.g. {@code rest}, {@code 110106}, {@code routing-decision}). */
  @Column(name = "TYPE", nullable = false, length = 40)
  private String type;

  /** The first subtype code (e.g. {@code create}, {@code delivery-attempt}). */
  @Column(name = "SUBTYPE", length = 60)
  private String subtype;

  @Column(name = "ACTION", length = 1)
  private String action;

  /** 0 success, 4 minor failure, 8 serious failure, 12 major failure. */
  @Column(name = "OUTCOME", nullable = false, length = 2)
  private String outcome;

  /** The young person, e.g. {@code Patient/123}, or null. */
  @Column(name = "PATIENT", length = 100)
  private String patient;

  /** The partner or service involved, as {@code system|value} (ODS code, service id). */
  @Column(name = "AGENT", length = 200)
  private String agent;

  @Column(name = "REQUEST_ID", length = 64)
  private String requestId;

  @Column(name = "CONTENT", nullable = false, length = Length.LONG32)
  private String content;

  @Column(name = "MAC", nullable = false, length = 64)
  private String mac;

  /** The seal that covers this row; null until sealed. Not part of what is sealed. */
  @Column(name = "SEAL_NO")
  private Long sealNo;

  protected AuditRecord() {}

  AuditRecord(
      String id,
      Instant recorded,
      String type,
      String subtype,
      String action,
      String outcome,
      String patient,
      String agent,
      String requestId,
      String content) {
    this.id = id;
    this.recorded = recorded;
    this.type = type;
    this.subtype = subtype;
    this.action = action;
    this.outcome = outcome;
    this.patient = patient;
    this.agent = agent;
    this.requestId = requestId;
    this.content = content;
  }

  /**
   * Every column that says something, in a fixed order: what the MAC and the seal cover. Changing
   * any of them (even only the searchable PATIENT column, to hide a row from a report) shows.
   */
  byte[] canonicalBytes() {
    String canonical =
        String.join(
            "\n",
            id,
            String.valueOf(recorded.toEpochMilli()),
            type,
            String.valueOf(subtype),
            String.valueOf(action),
            outcome,
            String.valueOf(patient),
            String.valueOf(agent),
            String.valueOf(requestId),
            content);
    return canonical.getBytes(StandardCharsets.UTF_8);
  }

  void mac(String mac) {
    this.mac = mac;
  }

  public String id() {
    return id;
  }

  public Instant recorded() {
    return recorded;
  }

  public String patient() {
    return patient;
  }

  public String type() {
    return type;
  }

  public String subtype() {
    return subtype;
  }

  public String outcome() {
    return outcome;
  }

  public String agent() {
    return agent;
  }

  public String requestId() {
    return requestId;
  }

  public String content() {
    return content;
  }

  String mac() {
    return mac;
  }

  Long sealNo() {
    return sealNo;
  }
}
