package org.cypmh.gateway.intake;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.routes.api.AfterCommit;
import org.springframework.stereotype.Component;

/**
 * The intake metric {@value #RECEIVED} (counter): referrals stored, tags {@code partner} (the
 * referrer's ODS code, {@code operator} for the gateway's operator) and {@code outcome} ({@code
 * accepted} new, {@code updated}, {@code cancelled}). Counted once the referral's transaction
 * commits, with no query: it runs on every intake request. Refused referrals are counted by
 * validation ({@code gateway.validation.failures}); where each went, by routing ({@code
 * gateway.referrals.routed}).
 */
@Component
class ReferralMetrics {

  static final String RECEIVED = "gateway.referrals.received";

  private final MeterRegistry meters;

  ReferralMetrics(MeterRegistry meters) {
    this.meters = meters;
  }

  void received(RequestDetails request, String outcome) {
    String ods = Caller.of(request).odsCode();
    String partner = ods == null ? "operator" : ods;
    AfterCommit.run(
        () -> meters.counter(RECEIVED, "partner", partner, "outcome", outcome).increment());
  }
}
