package org.cypmh.routes.outbox;

import java.util.List;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.YoungPersonLock;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.ReferralRouter;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A new referral: the routes decide where it goes, or, when its sender named the destination (BaRS
 * proxying), it goes there with no rules but consent still applies.
 */
@Component
class NewReferralHandler implements OutboxHandler {

  private final StoredReferrals referrals;
  private final ReferralDecisions decisions;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final YoungPersonLock youngPerson;

  NewReferralHandler(
      StoredReferrals referrals,
      ReferralDecisions decisions,
      ServiceDirectory directory,
      ConsentCheck consent,
      YoungPersonLock youngPerson) {
    this.referrals = referrals;
    this.decisions = decisions;
    this.directory = directory;
    this.consent = consent;
    this.youngPerson = youngPerson;
  }

  @Override
  public OutboxEventType handles() {
    return OutboxEventType.REFERRAL_ACCEPTED;
  }

  @Override
  public List<Long> handle(ClaimedEvent event) {
    ServiceRequest referral = referrals.read(event.focus());
    String patient = StoredReferrals.patientReference(referral);
    // Before consent is asked: a consent change of this young person waits, or is waited for.
    youngPerson.lock(patient);
    RoutableReferral routable = referrals.routable(referral, event.createdAt());
    List<PlannedDelivery> plans =
        event.targetService() == null
            ? decisions.route(routable, event)
            : toTarget(routable, event.targetService());
    return decisions.keep(event, patient, plans);
  }

  private List<PlannedDelivery> toTarget(RoutableReferral referral, String serviceId) {
    return directory
        .byId(serviceId)
        .map(
            service ->
                List.of(
                    new PlannedDelivery(
                        "bars-target", service, consent.decide(referral, service), referral)))
        .orElseThrow(
            () ->
                new ReferralRouter.RoutingFailed(
                    "target service " + serviceId + " is not in the directory", null));
  }
}
