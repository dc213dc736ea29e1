package org.cypmh.gateway.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
import org.cypmh.routes.api.YoungPersonLock;
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
  private final DeliveryRecords deliveries;
  private final YoungPersonLock youngPerson;
  private final Clock clock;
  private final Outbox outbox;

  ConsentChanges(
      Outbox outbox,
      IInterceptorService storageInterceptors,
      DeliveryRecords deliveries,
      YoungPersonLock youngPerson,
      Clock clock) {
    this.outbox = outbox;
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
    outbox.publish(OutboxMessage.of(OutboxEventType.CONSENT_CHANGED, patient, clock.instant()));
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
