package org.cypmh.routes.outbox;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.YoungPersonLock;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.routing.PlannedDelivery;
import org.springframework.stereotype.Component;

/**
 * An updated referral goes, marked as an update, to every service it was decided for before,
 * withheld ones too (if consent later lets it go, its latest version follows); a referral never
 * decided for anywhere is routed afresh.
 */
@Component
class ReferralUpdateHandler extends ReferralChangeHandler {

  private final Deliveries deliveries;

  ReferralUpdateHandler(
      StoredReferrals referrals,
      ReferralDecisions decisions,
      ServiceDirectory directory,
      ConsentCheck consent,
      YoungPersonLock youngPerson,
      Deliveries deliveries) {
    super(referrals, decisions, directory, consent, youngPerson);
    this.deliveries = deliveries;
  }

  @Override
  public OutboxEventType handles() {
    return OutboxEventType.REFERRAL_UPDATED;
  }

  @Override
  List<PlannedDelivery> plan(
      RoutableReferral referral, String versionlessReferral, ClaimedEvent event) {
    Set<String> earlier = new LinkedHashSet<>();
    deliveries.ofReferral(versionlessReferral).forEach(d -> earlier.add(d.serviceId()));
    if (earlier.isEmpty()) {
      return decisions.route(referral, event);
    }
    return toEach(earlier, referral, referral.as(RoutableReferral.Change.UPDATE), event);
  }
}
