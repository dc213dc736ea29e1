package org.cypmh.routes.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.PartnerEndpoint.Connection;

/** Deliveries for tests that send through {@link PartnerClient} without a database. */
final class TestDeliveries {

  private TestDeliveries() {}

  /** A permitted referral delivery to the directory service {@code serviceId}. */
  static Delivery permittedReferral(String routeId, String serviceId) {
    return new Delivery(
        1L,
        routeId,
        serviceId,
        "HealthcareService/" + serviceId,
        "ServiceRequest/1/_history/1",
        "Task/2",
        "key",
        Connection.FHIR_REST,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}",
        "Patient/3",
        new ConsentDecision(
            ConsentDecision.Outcome.PERMIT,
            "implied-consent",
            List.of(),
            "permitted",
            Set.of(),
            null),
        0,
        Instant.now());
  }
}
