package org.cypmh.gateway.audit;

import java.time.Clock;
import java.util.List;
import org.cypmh.routes.api.DeliveryPlan;
import org.cypmh.routes.api.ExchangeAudit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * The routing engine's facts as audit records: routing decisions, each delivery attempt and each
 * dead letter become BALP-shaped AuditEvents in the audit trail, in the routing transaction.
 */
@Component
class RoutingAudit implements ExchangeAudit {

  private static final Reference GATEWAY = new Reference().setDisplay("CYPMH gateway");

  private final AuditTrail trail;
  private final Clock clock;

  RoutingAudit(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  @Override
  public void routingDecided(
      String event, String focus, String task, String patient, List<? extends DeliveryPlan> plans) {
    AuditEventBuilder decision =
        AuditEventBuilder.gateway(
                "routing-decision", event, AuditEvent.AuditEventAction.E, clock.instant())
            .purpose("TREAT")
            .requestor(GATEWAY, null)
            .outcome(
                AuditEventOutcome._0,
                plans.isEmpty()
                    ? "no destination: held for manual triage"
                    : plans.size() + " destination(s)")
            .patient(patient)
            .data(focus)
            .data(task);
    for (DeliveryPlan plan : plans) {
      decision.recipient(
          AuditEventBuilder.service(plan.destination().serviceId(), plan.destination().name())
              .setDisplay(
                  plan.destination().name()
                      + " (route "
                      + plan.routeId()
                      + ", consent "
                      + plan.consent().outcome().name().toLowerCase()
                      + ")"),
          null);
    }
    trail.record(decision.build());
  }

  @Override
  public void deliveryAttempted(
      DeliveryFacts delivery, AttemptOutcome outcome, String summary, String address) {
    AuditEventOutcome recorded =
        switch (outcome) {
          case ACCEPTED -> AuditEventOutcome._0;
          case FAILED_WILL_RETRY -> AuditEventOutcome._8;
          case REFUSED -> AuditEventOutcome._4;
        };
    trail.record(
        deliveryEvent("delivery-attempt", delivery)
            .outcome(recorded, summary)
            .recipient(AuditEventBuilder.service(delivery.serviceId(), delivery.service()), address)
            .build());
  }

  @Override
  public void deadLettered(DeliveryFacts delivery, String reason) {
    trail.record(
        deliveryEvent("dead-letter", delivery)
            .outcome(AuditEventOutcome._8, reason)
            .recipient(AuditEventBuilder.service(delivery.serviceId(), delivery.service()), null)
            .build());
  }

  private AuditEventBuilder deliveryEvent(String subtype, DeliveryFacts delivery) {
    AuditEventBuilder event =
        AuditEventBuilder.export(subtype, clock.instant())
            .purpose("TREAT")
            .requestor(GATEWAY, null)
            .patient(delivery.patient())
            .data(delivery.focus())
            .detail("delivery", String.valueOf(delivery.id()))
            .detail("consent-rule", delivery.consentRule());
    if (delivery.leftOut() > 0) {
      event.detail("left-out", String.valueOf(delivery.leftOut()));
    }
    return event.data(delivery.task());
  }
}
