package org.cypmh.routes.outbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.YoungPersonLock;
import org.cypmh.routes.routing.PlannedDelivery;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * A change to a referral (update or cancellation) goes where the referral went before, marked as
 * that change, with consent asked again (it may have been withdrawn since).
 */
abstract class ReferralChangeHandler implements OutboxHandler {

  private final StoredReferrals referrals;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final YoungPersonLock youngPerson;
  final ReferralDecisions decisions;

  ReferralChangeHandler(
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
  public List<Long> handle(ClaimedEvent event) {
    ServiceRequest referral = referrals.read(event.focus());
    String patient = StoredReferrals.patientReference(referral);
    youngPerson.lock(patient);
    RoutableReferral routable = referrals.routable(referral, event.createdAt());
    String versionless = event.focus().replaceAll("/_history/.*$", "");
    return decisions.keep(event, patient, plan(routable, versionless, event));
  }

  /** Where this change goes. */
  abstract List<PlannedDelivery> plan(
      RoutableReferral referral, String versionlessReferral, ClaimedEvent event);

  /** The change, to each of these services, with each one's consent decision. */
  List<PlannedDelivery> toEach(
      Collection<String> serviceIds,
      RoutableReferral referral,
      RoutableReferral change,
      ClaimedEvent event) {
    List<PlannedDelivery> plans = new ArrayList<>();
    for (String serviceId : serviceIds) {
      directory
          .byId(serviceId)
          .ifPresent(
              service ->
                  plans.add(
                      new PlannedDelivery(
                          event.type().code(),
                          service,
                          consent.decide(referral, service),
                          change.copy())));
    }
    return plans;
  }
}
