package org.cypmh.routes.delivery;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.util.Date;
import org.cypmh.routes.directory.PartnerEndpoint.Connection;
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

  /** The payload as a Bundle (for {@code $route-preview}). */
  public Bundle bundle(PlannedDelivery plan, Connection connection, String idempotencyKey) {
    return PartnerPayload.build(
        plan.referral(),
        plan.destination(),
        connection,
        idempotencyKey,
        Date.from(clock.instant()));
  }

  String json(PlannedDelivery plan, Connection connection, String idempotencyKey) {
    return fhirContext
        .newJsonParser()
        .encodeResourceToString(bundle(plan, connection, idempotencyKey));
  }
}
