package org.cypmh.gateway.consent;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.cypmh.gateway.audit.AuditEventBuilder;
import org.cypmh.gateway.audit.AuditTrail;
import org.cypmh.routes.api.ConsentDecision;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Where consent decisions are recorded, and read back for review. Each is also an audit event in
 * the tamper-evident trail.
 */
@Component
public class ConsentDecisionLog {

  private final AuditTrail audit;
  private final Clock clock;
  @PersistenceContext private EntityManager entityManager;

  ConsentDecisionLog(AuditTrail audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Records in the caller's transaction, or in its own if there is none (a read).
   *
   * @param subject what was (or would have been) shared: a resource, or a read's request path
   * @param correlation the request id of the read it was decided for, or null
   */
  @Transactional(propagation = Propagation.REQUIRED)
  public void record(
      ConsentQuestion question,
      ConsentDecision decision,
      String context,
      String subject,
      String correlation) {
    Instant now = clock.instant();
    entityManager.persist(new RecordedConsentDecision(question, decision, context, subject, now));
    audit.record(auditEvent(question, decision, context, subject, correlation, now));
  }

  private static AuditEvent auditEvent(
      ConsentQuestion question,
      ConsentDecision decision,
      String context,
      String subject,
      String correlation,
      Instant now) {
    Recipient recipient = question.recipient();
    // The details go on the young person's or the data's entity; a decision about neither (a
    // break-glass read refused before anything was read) carries them on its request's entity.
    boolean aboutSomething =
        question.patientId() != null || (subject != null && subject.contains("/"));
    AuditEventBuilder event =
        AuditEventBuilder.gateway("consent-decision", context, AuditEventAction.E, now)
            .outcome(
                decision.permitted() ? AuditEventOutcome._0 : AuditEventOutcome._4,
                decision.outcome().name().toLowerCase() + ": " + decision.reason())
            .purpose(question.purpose())
            .recipient(
                recipient.serviceId() != null
                    ? AuditEventBuilder.service(recipient.serviceId(), recipient.name())
                    : AuditEventBuilder.organisation(recipient.odsCode(), recipient.name()),
                null)
            .patient(question.patientId())
            .data(subject != null && subject.contains("/") ? subject : null);
    if (!aboutSomething) {
      event.correlation(correlation);
    }
    event.detail("rule", decision.rule()).detail("break-glass", decision.breakGlass());
    if (aboutSomething) {
      event.correlation(correlation);
    }
    decision.consents().forEach(event::consent);
    return event.build();
  }

  /** Decisions about a young person, newest first. */
  @Transactional(readOnly = true)
  public List<RecordedConsentDecision> aboutPatient(String patient, int max) {
    return entityManager
        .createQuery(
            "from RecordedConsentDecision d where d.patient = :patient order by d.id desc",
            RecordedConsentDecision.class)
        .setParameter("patient", patient)
        .setMaxResults(max)
        .getResultList();
  }

  /** Every break-glass request, honoured or refused, newest first: for review. */
  @Transactional(readOnly = true)
  public List<RecordedConsentDecision> breakGlassRequests(int max) {
    return entityManager
        .createQuery(
            "from RecordedConsentDecision d where d.breakGlassAsked is not null order by d.id desc",
            RecordedConsentDecision.class)
        .setMaxResults(max)
        .getResultList();
  }
}
