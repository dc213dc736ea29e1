package org.cypmh.routes.outbox;

import java.util.List;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.PlannedShare;
import org.cypmh.routes.api.RecordSharing;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.DeliveryFeedback;
import org.springframework.stereotype.Component;

/** Records a feature shares go out as one delivery per destination, decided and audited. */
@Component
class SharedRecordDeliveries implements RecordSharing {

  private final Deliveries deliveries;
  private final DeliveryFeedback feedback;
  private final ConsentCheck consent;

  SharedRecordDeliveries(Deliveries deliveries, DeliveryFeedback feedback, ConsentCheck consent) {
    this.deliveries = deliveries;
    this.feedback = feedback;
    this.consent = consent;
  }

  @Override
  public List<Long> share(ClaimedEvent event, List<PlannedShare> shares) {
    String patient = shares.isEmpty() ? null : shares.get(0).record().patientId();
    List<Long> toSend = deliveries.storeShares(event.id(), event.focus(), shares);
    feedback.decided(event.type().code(), event.focus(), null, patient, shares);
    shares.forEach(p -> consent.record(p.record(), p.destination(), p.consent(), "sharing"));
    return toSend;
  }
}
