package org.cypmh.gateway.interventions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Procedure;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * On every stored or changed brief intervention, in the same database transaction: an outbox event
 * that shares it with the young person's CAMHS service and GP. Events of one young person within
 * one summary period form a group, due when the period ends, so they travel as one summary.
 */
@Component
@ConditionalOnProperty(name = "routes.enabled", matchIfMissing = true)
class InterventionTracking implements FhirServerInterceptor {

  private final Clock clock;
  private final Duration period;

  private final Outbox outbox;

  InterventionTracking(Clock clock, InterventionProperties properties, Outbox outbox) {
    this.outbox = outbox;
    this.clock = clock;
    this.period = properties.summaryPeriod();
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource) {
    recorded(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current) {
    recorded(current);
  }

  private void recorded(IBaseResource resource) {
    if (!(resource instanceof Procedure procedure)) {
      return;
    }
    IIdType subject = procedure.getSubject().getReferenceElement();
    if (!"Patient".equals(subject.getResourceType()) || !subject.hasIdPart()) {
      return;
    }
    Instant now = clock.instant();
    OutboxMessage event =
        OutboxMessage.of(
            OutboxEventType.INTERVENTION_RECORDED,
            procedure.getIdElement().toUnqualified().getValue(),
            now);
    if (!period.isZero()) {
      long periodMillis = period.toMillis();
      Instant start = Instant.ofEpochMilli(now.toEpochMilli() / periodMillis * periodMillis);
      event =
          event.groupedAs(
              subject.toUnqualifiedVersionless().getValue() + "|" + start, start.plus(period));
    }
    outbox.publish(event);
  }
}
