package org.cypmh.gateway.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import jakarta.annotation.PostConstruct;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import org.cypmh.routes.YoungPersonLock;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.outbox.OutboxEvent;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * A young person's consent changed (a Consent created, updated, made inactive or deleted): in the
 * same transaction, every delivery of theirs not yet sent is held, and an outbox event asks routing
 * to decide each again. A withdrawal therefore stops sharing the moment it commits, with pending
 * retries; a new permit releases what waited for it, without the referral being sent again.
 *
 * <p>Registered with the storage layer's interceptor service, so Consents written inside a
 * transaction Bundle or by the gateway itself count too.
 */
@Component
@ConditionalOnProperty(name = "gateway.consent.enabled", matchIfMissing = true)
class ConsentChanges {

  private final IInterceptorService storageInterceptors;
  private final Deliveries deliveries;
  private final YoungPersonLock youngPerson;
  private final Clock clock;
  @PersistenceContext private EntityManager entityManager;

  ConsentChanges(
      IInterceptorService storageInterceptors,
      Deliveries deliveries,
      YoungPersonLock youngPerson,
      Clock clock) {
    this.storageInterceptors = storageInterceptors;
    this.deliveries = deliveries;
    this.youngPerson = youngPerson;
    this.clock = clock;
  }

  @PostConstruct
  void register() {
    storageInterceptors.registerInterceptor(this);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource) {
    changed(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current) {
    changed(previous);
    if (!samePatient(previous, current)) {
      changed(current);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  void deleted(IBaseResource resource) {
    changed(resource);
  }

  private void changed(IBaseResource resource) {
    String patient = patientOf(resource);
    if (patient == null) {
      return;
    }
    youngPerson.lock(patient);
    deliveries.holdForConsentChange(patient);
    entityManager.persist(
        new OutboxEvent(OutboxEvent.Type.CONSENT_CHANGED, patient, null, clock.instant()));
  }

  private static boolean samePatient(IBaseResource previous, IBaseResource current) {
    String before = patientOf(previous);
    return before != null && before.equals(patientOf(current));
  }

  private static String patientOf(IBaseResource resource) {
    if (!(resource instanceof Consent consent) || !consent.hasPatient()) {
      return null;
    }
    IdType patient = new IdType(consent.getPatient().getReference());
    return "Patient".equals(patient.getResourceType())
        ? patient.toUnqualifiedVersionless().getValue()
        : null;
  }
}
