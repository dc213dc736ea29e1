package org.cypmh.gateway.measures;

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
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One fact about a referral, as the flow reported it: which milestone, when it happened, at which
 * provider, and which stored change said so. Rows are only ever added (a milestone reported twice
 * is two rows; measures take the earliest), so recording never reads or locks anything on the path
 * that stores the referral or its Task. The table is created like the gateway's other tables, by
 * Hibernate's schema update in HAPI's persistence unit.
 */
@Entity
@Table(
    name = "GW_REFERRAL_MILESTONE",
    indexes = {
      @Index(name = "IDX_GW_MILESTONE_AT", columnList = "MILESTONE, OCCURRED_AT"),
      @Index(name = "IDX_GW_MILESTONE_REFERRAL", columnList = "REFERRAL, OCCURRED_AT")
    })
public class ReferralMilestone {

  @Id
  @SequenceGenerator(
      name = "GW_REFERRAL_MILESTONE_SEQ",
      sequenceName = "GW_REFERRAL_MILESTONE_SEQ",
      allocationSize = 50)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_REFERRAL_MILESTONE_SEQ")
  @Column(name = "ID")
  private Long id;

  /**
   * The referral, versionless ({@code ServiceRequest/123}); null for a contact with no referral.
   */
  @Column(name = "REFERRAL", length = 200)
  private String referral;

  /** The young person, versionless ({@code Patient/45}). */
  @Column(name = "PATIENT", length = 200)
  private String patient;

  @Enumerated(EnumType.STRING)
  @JdbcTypeCode(SqlTypes.VARCHAR)
  @Column(name = "MILESTONE", nullable = false, length = 30)
  private Milestone milestone;

  @Column(name = "OCCURRED_AT", nullable = false)
  private Instant occurredAt;

  /** The provider's ODS code, where the fact is about one provider; null for the gateway's own. */
  @Column(name = "PROVIDER", length = 12)
  private String provider;

  /** The service it concerns, e.g. {@code HealthcareService/camhs-crisis}, where known. */
  @Column(name = "SERVICE", length = 200)
  private String service;

  /** The stored change that reported it, e.g. {@code Task/7/_history/3 status accepted}. */
  @Column(name = "SOURCE", nullable = false, length = 300)
  private String source;

  @Column(name = "RECORDED_AT", nullable = false)
  private Instant recordedAt;

  protected ReferralMilestone() {}

  ReferralMilestone(MilestoneFact fact, Instant recordedAt) {
    this.referral = fact.referral();
    this.patient = fact.patient();
    this.milestone = fact.milestone();
    this.occurredAt = fact.occurredAt();
    this.provider = fact.provider();
    this.service = fact.service();
    this.source = fact.source().length() > 300 ? fact.source().substring(0, 300) : fact.source();
    this.recordedAt = recordedAt;
  }

  MilestoneFact fact() {
    return new MilestoneFact(referral, patient, milestone, occurredAt, provider, service, source);
  }
}
