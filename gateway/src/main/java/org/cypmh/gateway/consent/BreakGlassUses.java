package org.cypmh.gateway.consent;

import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cypmh.gateway.audit.AuditEventBuilder;
import org.cypmh.gateway.audit.AuditTrail;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Break-glass reads: each use opens a young person's records to one partner for {@code
 * gateway.consent.break-glass.read-validity} ({@link BreakGlassUse}), is on the audit trail, and
 * waits for a named reviewer's sign-off, which is on the audit trail too. The justification text is
 * kept for the reviewer only.
 */
@Component
class BreakGlassUses {

  static final String AUDIT_TYPE = "break-glass";

  private final AuditTrail audit;
  private final ConsentProperties policy;
  private final Clock clock;
  @PersistenceContext private EntityManager entityManager;

  BreakGlassUses(AuditTrail audit, ConsentProperties policy, Clock clock) {
    this.audit = audit;
    this.policy = policy;
    this.clock = clock;
  }

  /** Records a use: the partner may read the young person's records until it expires. */
  @Transactional
  BreakGlassUse open(
      Recipient partner, String patient, String reason, String justification, String requestId) {
    BreakGlassUse use =
        new BreakGlassUse(
            partner,
            patient,
            reason,
            justification,
            requestId,
            clock.instant(),
            policy.breakGlass().readValidity());
    entityManager.persist(use);
    entityManager.flush();
    audit.record(
        AuditEventBuilder.gateway(AUDIT_TYPE, "read", AuditEventAction.R, use.usedAt())
            .outcome(
                AuditEventOutcome._0,
                "break-glass read by "
                    + partner.name()
                    + " ("
                    + reason
                    + "), open until "
                    + use.expiresAt()
                    + "; awaiting review")
            .purpose(ConsentQuestion.TREATMENT)
            .recipient(AuditEventBuilder.organisation(partner.odsCode(), partner.name()), null)
            .patient(patient)
            .detail("break-glass", reason)
            .detail("use", String.valueOf(use.id()))
            .correlation(requestId)
            .build());
    return use;
  }

  /** The use that opens this young person's records to this partner now, if any. */
  @Transactional(readOnly = true)
  Optional<BreakGlassUse> grant(String odsCode, String patient) {
    Instant now = clock.instant();
    return entityManager
        .createQuery(
            "from BreakGlassUse u where u.partnerOds = :ods and u.patient = :patient"
                + " and u.expiresAt > :now order by u.id desc",
            BreakGlassUse.class)
        .setParameter("ods", odsCode)
        .setParameter("patient", patient)
        .setParameter("now", now)
        .setMaxResults(10)
        .getResultList()
        .stream()
        .filter(u -> u.covers(odsCode, patient, now))
        .findFirst();
  }

  /** Uses not yet signed off, oldest first. */
  @Transactional(readOnly = true)
  List<BreakGlassUse> awaitingSignOff(int max) {
    return entityManager
        .createQuery(
            "from BreakGlassUse u where u.reviewedAt is null order by u.id", BreakGlassUse.class)
        .setMaxResults(max)
        .getResultList();
  }

  /**
   * A named reviewer signs a use off; recorded on the audit trail (the note stays with the use).
   *
   * @throws ResourceNotFoundException no such use
   * @throws ResourceVersionConflictException it was signed off already
   */
  @Transactional
  BreakGlassUse signOff(long id, String reviewer, String note) {
    BreakGlassUse use = entityManager.find(BreakGlassUse.class, id, LockModeType.PESSIMISTIC_WRITE);
    if (use == null) {
      throw new ResourceNotFoundException("No break-glass use " + id);
    }
    if (use.reviewedAt() != null) {
      throw new ResourceVersionConflictException(
          "Break-glass use " + id + " was signed off already, by " + use.reviewer());
    }
    Instant now = clock.instant();
    use.signOff(reviewer, note, now);
    audit.record(
        AuditEventBuilder.gateway(AUDIT_TYPE, "sign-off", AuditEventAction.U, now)
            .outcome(
                AuditEventOutcome._0,
                "break-glass use "
                    + id
                    + " by "
                    + use.partnerName()
                    + " ("
                    + use.reason()
                    + ") signed off by "
                    + use.reviewer())
            .requestor(new Reference().setDisplay(use.reviewer()), null)
            .recipient(AuditEventBuilder.organisation(use.partnerOds(), use.partnerName()), null)
            .patient(use.patient())
            .detail("use", String.valueOf(id))
            .detail("reviewer", use.reviewer())
            .correlation(use.requestId())
            .build());
    return use;
  }
}
