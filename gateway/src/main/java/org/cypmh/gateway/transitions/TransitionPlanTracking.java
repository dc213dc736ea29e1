package org.cypmh.gateway.transitions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.outbox.OutboxEvent;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Extension;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * On every stored or changed transition care plan agreed with the young person, in the same
 * database transaction: an outbox event that shares it with the adult services it names and the
 * young person's GP. A plan not (yet) agreed goes nowhere.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class TransitionPlanTracking implements FhirServerInterceptor {

  private final Clock clock;

  @PersistenceContext private EntityManager entityManager;

  TransitionPlanTracking(Clock clock) {
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource) {
    stored(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current) {
    stored(current);
  }

  private void stored(IBaseResource resource) {
    if (resource instanceof CarePlan plan && agreed(plan)) {
      entityManager.persist(
          new OutboxEvent(
              OutboxEvent.Type.TRANSITION_PLAN_AGREED,
              plan.getIdElement().toUnqualified().getValue(),
              null,
              clock.instant()));
    }
  }

  private static boolean agreed(CarePlan plan) {
    Extension agreed = plan.getExtensionByUrl(ConformancePackage.AGREED_EXTENSION);
    return agreed != null
        && agreed.getValue() instanceof BooleanType flag
        && Boolean.TRUE.equals(flag.getValue());
  }
}
