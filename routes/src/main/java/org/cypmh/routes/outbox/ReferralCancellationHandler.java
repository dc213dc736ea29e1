package org.cypmh.routes.outbox;

import java.util.LinkedHashSet;
import java.util.List;
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
 * A cancelled referral: every delivery of it not yet attempted stops, and the cancellation goes to
 * the services that received the referral (or may have: an attempt was under way).
 */
@Component
class ReferralCancellationHandler extends ReferralChangeHandler {

  private final Deliveries deliveries;

  ReferralCancellationHandler(
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
    return OutboxEventType.REFERRAL_CANCELLED;
  }

  @Override
  List<PlannedDelivery> plan(
      RoutableReferral referral, String versionlessReferral, ClaimedEvent event) {
    return toEach(
        new LinkedHashSet<>(deliveries.cancelUnsent(versionlessReferral)),
        referral,
        referral.as(RoutableReferral.Change.CANCELLATION),
        event);
  }
}
