package org.cypmh.gateway.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;
import org.cypmh.routes.api.ConsentDecision;

/**
 * One consent decision that was acted on: who, about whom, for what, what was decided and by which
 * rule and Consents. Written in the transaction of the action it allowed or stopped, for review and
 * for the audit trail. Holds references and codes only, never clinical content.
 */
@Entity
@Table(
    name = "GW_CONSENT_DECISION",
    indexes = {
      @Index(name = "IDX_GW_CONSENT_DECISION_PATIENT", columnList = "PATIENT, ID"),
      @Index(name = "IDX_GW_CONSENT_DECISION_BREAK_GLASS", columnList = "BREAK_GLASS_ASKED, ID")
    })
public class RecordedConsentDecision {

  @Id
  @SequenceGenerator(
      name = "GW_CONSENT_DECISION_SEQ",
      sequenceName = "GW_CONSENT_DECISION_SEQ",
      allocationSize = 50)
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "GW_CONSENT_DECISION_SEQ")
  @Column(name = "ID")
  private Long id;

  @Column(name = "DECIDED_AT", nullable = false)
  private Instant decidedAt;

  /** What it was for: {@code routing}, {@code reconsidered} or {@code read}. */
  @Column(name = "CONTEXT", nullable = false, length = 30)
  private String context;

  @Column(name = "PATIENT", length = 200)
  private String patient;

  /** What was (or would have been) shared, e.g. {@code ServiceRequest/12/_history/1}. */
  @Column(name = "SUBJECT", length = 200)
  private String subject;

  @Column(name = "RECIPIENT_SERVICE", length = 100)
  private String recipientService;

  @Column(name = "RECIPIENT_ORGANISATION", length = 200)
  private String recipientOrganisation;

  @Column(name = "RECIPIENT_NAME", length = 200)
  private String recipientName;

  @Column(name = "PURPOSE", length = 20)
  private String purpose;

  @Column(name = "OUTCOME", nullable = false, length = 30)
  private String outcome;

  @Column(name = "RULE_CODE", nullable = false, length = 60)
  private String rule;

  /** The deciding Consents, comma separated. */
  @Column(name = "CONSENTS", length = 500)
  private String consents;

  @Column(name = "REASON", length = 1000)
  private String reason;

  @Column(name = "WITHHELD_LABELS", length = 100)
  private String withheldLabels;

  /** The break-glass reason asked for (allowed or not), or null. */
  @Column(name = "BREAK_GLASS_ASKED", length = 40)
  private String breakGlassAsked;

  /** True if break-glass decided it. */
  @Column(name = "BREAK_GLASS_USED", nullable = false)
  private boolean breakGlassUsed;

  protected RecordedConsentDecision() {}

  RecordedConsentDecision(
      ConsentQuestion question,
      ConsentDecision decision,
      String context,
      String subject,
      Instant decidedAt) {
    this.decidedAt = decidedAt;
    this.context = context;
    this.patient = question.patientId();
    this.subject = subject;
    this.recipientService = question.recipient().serviceId();
    this.recipientOrganisation = question.recipient().organisation();
    this.recipientName = truncate(question.recipient().name(), 200);
    this.purpose = question.purpose();
    this.outcome = decision.outcome().name();
    this.rule = decision.rule();
    this.consents = truncate(String.join(",", decision.consents()), 500);
    this.reason = truncate(decision.reason(), 1000);
    this.withheldLabels = String.join(",", decision.withheldLabels());
    this.breakGlassAsked = question.breakGlassReason();
    this.breakGlassUsed = decision.breakGlass() != null;
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  public Long id() {
    return id;
  }

  public Instant decidedAt() {
    return decidedAt;
  }

  public String context() {
    return context;
  }

  public String patient() {
    return patient;
  }

  public String subject() {
    return subject;
  }

  public String recipientService() {
    return recipientService;
  }

  public String recipientOrganisation() {
    return recipientOrganisation;
  }

  public String recipientName() {
    return recipientName;
  }

  public String purpose() {
    return purpose;
  }

  public String outcome() {
    return outcome;
  }

  public String rule() {
    return rule;
  }

  public String consents() {
    return consents;
  }

  public String reason() {
    return reason;
  }

  public String withheldLabels() {
    return withheldLabels;
  }

  public String breakGlassAsked() {
    return breakGlassAsked;
  }

  public boolean breakGlassUsed() {
    return breakGlassUsed;
  }
}
