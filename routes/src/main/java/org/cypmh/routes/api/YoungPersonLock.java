package org.cypmh.routes.api;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceContext;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/**
 * Serialises, per young person, deciding on their consent and changing it: routing takes this lock
 * before asking the consent service, and a Consent write takes it before holding deliveries. So a
 * referral routed while a consent is withdrawn is either decided under the new consent or held by
 * the withdrawal; it can never slip between the two.
 *
 * <p>The lock is the young person's own row in HAPI's resource table, held to the end of the
 * caller's transaction; other young people are not affected.
 *
 * <p>Taking it does not flush the caller's unwritten changes first, which Hibernate otherwise does
 * before any SQL of its own: that flush checked every entity the transaction had loaded, and in a
 * routing batch it was an eighth of routing's CPU (issue 25). Nothing the lock reads can be among
 * those changes but a young person created in this same transaction, whom no other transaction can
 * see, route or change until it commits, so there is nothing yet to serialise.
 */
@Component
public class YoungPersonLock {

  @PersistenceContext private EntityManager entityManager;

  /** Locks the patient, e.g. {@code Patient/123}, until the caller's transaction ends. */
  public void lock(String patient) {
    if (patient == null) {
      return;
    }
    IdType id = new IdType(patient);
    entityManager
        .createNativeQuery(
            "select RES_ID from HFJ_RESOURCE where RES_TYPE = 'Patient' and FHIR_ID = :id"
                + " for update")
        .setParameter("id", id.getIdPart())
        .setFlushMode(FlushModeType.COMMIT)
        .getResultList();
  }
}
