package org.cypmh.gateway.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * One break-glass read: a partner that may break glass (a crisis or safeguarding service) asked,
 * with a configured reason, to read a young person's records without the consent it would otherwise
 * need. It opens that young person's records to that partner from {@link #usedAt} until {@link
 * #expiresAt} ({@code gateway.consent.break-glass.read-validity}), and waits in the review queue
 * until a named reviewer signs it off. Shared by every node through the database.
 */
@Entity
@Table(
    name = "GW_BREAK_GLASS_USE",
    indexes = {
      @Index(
          name = "IDX_GW_BREAK_GLASS_USE_GRANT",
          columnList = "PARTNER_ODS, PATIENT, EXPIRES_AT"),
      @Index(name = "IDX_GW_BREAK_GLASS_USE_REVIEW", columnList = "REVIEWED_AT, ID")
    })
public class BreakGlassUse {

  @Id
  @SequenceGenerator(
      name = "GW_BREAK_GLASS_USE_SEQ",
      sequenceName = "GW_BREAK_GLASS_USE_SEQ",
      allocationSize = 1)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_BREAK_GLASS_USE_SEQ")
  @Column(name = "ID")
  private Long id;

  @Column(name = "USED_AT", nullable = false)
  private Instant usedAt;

  @Column(name = "EXPIRES_AT", nullable = false)
  private Instant expiresAt;

  /** The partner organisation's ODS code (upper case). */
  @Column(name = "PARTNER_ODS", nullable = false, length = 20)
  private String partnerOds;

  @Column(name = "PARTNER_ORGANISATION", length = 200)
  private String partnerOrganisation;

  @Column(name = "PARTNER_NAME", length = 200)
  private String partnerName;

  /** The young person, e.g. {@code Patient/123}. */
  @Column(name = "PATIENT", nullable = false, length = 200)
  private String patient;

  /** The reason code given ({@code cypmh-break-glass-reason}). */
  @Column(name = "REASON", nullable = false, length = 40)
  private String reason;

  /** The partner's own words, for the reviewer only: never logged nor in the audit trail. */
  @Column(name = "JUSTIFICATION", length = 1000)
  private String justification;

  /** The request that broke glass (X-Request-ID), to find its audit records. */
  @Column(name = "REQUEST_ID", length = 100)
  private String requestId;

  @Column(name = "REVIEWED_AT")
  private Instant reviewedAt;

  @Column(name = "REVIEWER", length = 200)
  private String reviewer;

  @Column(name = "REVIEW_NOTE", length = 2000)
  private String reviewNote;

  protected BreakGlassUse() {}

  BreakGlassUse(
      Recipient partner,
      String patient,
      String reason,
      String justification,
      String requestId,
      Instant usedAt,
      Duration validity) {
    this.usedAt = usedAt;
    this.expiresAt = usedAt.plus(validity);
    this.partnerOds = partner.odsCode();
    this.partnerOrganisation = partner.organisation();
    this.partnerName = truncate(partner.name(), 200);
    this.patient = patient;
    this.reason = reason;
    this.justification = truncate(justification, 1000);
    this.requestId = truncate(requestId, 100);
  }

  /**
   * Whether this use still opens the young person's records to the partner at that moment: the same
   * partner and young person, from its use until its validity ends (exclusive).
   */
  boolean covers(String odsCode, String patient, Instant at) {
    return partnerOds.equalsIgnoreCase(odsCode)
        && this.patient.equals(patient)
        && !at.isBefore(usedAt)
        && at.isBefore(expiresAt);
  }

  void signOff(String reviewer, String note, Instant at) {
    this.reviewer = truncate(reviewer, 200);
    this.reviewNote = truncate(note, 2000);
    this.reviewedAt = at;
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  public Long id() {
    return id;
  }

  public Instant usedAt() {
    return usedAt;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public String partnerOds() {
    return partnerOds;
  }

  public String partnerOrganisation() {
    return partnerOrganisation;
  }

  public String partnerName() {
    return partnerName;
  }

  public String patient() {
    return patient;
  }

  public String reason() {
    return reason;
  }

  public String justification() {
    return justification;
  }

  public String requestId() {
    return requestId;
  }

  public Instant reviewedAt() {
    return reviewedAt;
  }

  public String reviewer() {
    return reviewer;
  }

  public String reviewNote() {
    return reviewNote;
  }
}
