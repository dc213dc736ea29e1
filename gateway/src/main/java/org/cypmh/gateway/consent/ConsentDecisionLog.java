package org.cypmh.gateway.consent;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.util.List;
import org.cypmh.routes.api.ConsentDecision;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Where consent decisions are recorded, and read back for review. */
@Component
public class ConsentDecisionLog {

  private final Clock clock;
  @PersistenceContext private EntityManager entityManager;

  ConsentDecisionLog(Clock clock) {
    this.clock = clock;
  }

  /** Records in the caller's transaction, or in its own if there is none (a read). */
  @Transactional(propagation = Propagation.REQUIRED)
  public void record(
      ConsentQuestion question, ConsentDecision decision, String context, String subject) {
    entityManager.persist(
        new RecordedConsentDecision(question, decision, context, subject, clock.instant()));
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
