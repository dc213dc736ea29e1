package org.cypmh.routes.outbox;

import java.util.List;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.DeliveryFeedback;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.ReferralRouter;
import org.cypmh.routes.routing.RoutingSession;
import org.springframework.stereotype.Component;

/**
 * What the referral handlers share: asking the routes, and keeping what was decided (the
 * deliveries, the Task's business status, each consent decision) in the event's transaction.
 */
@Component
class ReferralDecisions {

  private final ReferralRouter router;
  private final Deliveries deliveries;
  private final DeliveryFeedback feedback;
  private final ConsentCheck consent;

  ReferralDecisions(
      ReferralRouter router,
      Deliveries deliveries,
      DeliveryFeedback feedback,
      ConsentCheck consent) {
    this.router = router;
    this.deliveries = deliveries;
    this.feedback = feedback;
    this.consent = consent;
  }

  /** Where the routes send the referral. */
  List<PlannedDelivery> route(RoutableReferral referral, ClaimedEvent event) {
    RoutingSession session = router.decide(referral);
    List<PlannedDelivery> plans = session.planned();
    // A referral going somewhere shows on its Task when it is delivered ("delivered to ..."); one
    // that goes nowhere must show now, or nobody would know it waits for a person.
    if (plans.isEmpty()) {
      feedback.routed(
          event.task(),
          session.unserved().isEmpty()
              ? "no route matched: held for manual triage"
              : "no eligible service: held for manual triage");
    }
    return plans;
  }

  /** Stores the decided deliveries; returns the ids to send once the transaction commits. */
  List<Long> keep(ClaimedEvent event, String patient, List<PlannedDelivery> plans) {
    List<Long> toSend = deliveries.store(event.id(), event.focus(), event.task(), patient, plans);
    feedback.decided(event.type().code(), event.focus(), event.task(), patient, plans);
    plans.forEach(p -> consent.record(p.referral(), p.destination(), p.consent(), "routing"));
    return toSend;
  }
}
