package org.cypmh.routes.delivery;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.Date;
import java.util.Set;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.routing.PlannedDelivery;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/** Builds and serialises what each destination receives. */
@Component
public class PartnerPayloads {

  private final FhirContext fhirContext;
  private final Clock clock;

  PartnerPayloads(FhirContext fhirContext, Clock clock) {
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  /** The payload as a Bundle, redacted as the plan's consent decision says. */
  public Bundle bundle(PlannedDelivery plan, Connection connection, String idempotencyKey) {
    Bundle bundle = unredacted(plan, connection, idempotencyKey);
    PartnerPayload.redact(bundle, plan.consent().withheldLabels());
    return bundle;
  }

  /** The serialised payload, and how many resources its redaction left out. */
  Redacted json(PlannedDelivery plan, Connection connection, String idempotencyKey) {
    return redact(unredacted(plan, connection, idempotencyKey), plan.consent().withheldLabels());
  }

  private Bundle unredacted(PlannedDelivery plan, Connection connection, String idempotencyKey) {
    return PartnerPayload.build(
        fhirContext,
        plan.referral(),
        plan.destination(),
        connection,
        idempotencyKey,
        Date.from(clock.instant()));
  }

  /**
   * A BaRS message passed on as it came, addressed to the destination, less what the consent
   * decision withholds; serialised.
   */
  public String forwarded(Bundle message, DirectoryService destination, ConsentDecision decision) {
    return redact(PartnerPayload.forwarded(message, destination), decision.withheldLabels())
        .payload();
  }

  /** Shared records as the destination receives them, redacted as the decision says. */
  Redacted records(SharedRecord record, ConsentDecision decision, String idempotencyKey) {
    return redact(
        PartnerPayload.records(fhirContext, record, idempotencyKey, Date.from(clock.instant())),
        decision.withheldLabels());
  }

  /** A stored payload with more left out, when a later consent decision withholds more. */
  Redacted redact(String storedPayload, Set<String> withheldLabels) {
    return redact(
        fhirContext.newJsonParser().parseResource(Bundle.class, storedPayload), withheldLabels);
  }

  private Redacted redact(Bundle bundle, Set<String> withheldLabels) {
    int left = PartnerPayload.redact(bundle, withheldLabels);
    return new Redacted(fhirContext.newJsonParser().encodeResourceToString(bundle), left);
  }

  /** A payload as sent, and how many resources were left out of it. */
  record Redacted(String payload, int leftOut) {}
}
