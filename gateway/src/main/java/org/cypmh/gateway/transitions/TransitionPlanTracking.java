package org.cypmh.gateway.transitions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Clock;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
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

  private final Outbox outbox;

  TransitionPlanTracking(Clock clock, Outbox outbox) {
    this.outbox = outbox;
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
      outbox.publish(
          OutboxMessage.of(
              OutboxEventType.TRANSITION_PLAN_AGREED,
              plan.getIdElement().toUnqualified().getValue(),
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
