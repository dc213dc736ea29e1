package org.cypmh.routes.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * What the gateway's operator console reads and does in routing: the routing operations' answers
 * ({@code $route-preview}, {@code $deliveries}, {@code $dead-letters}, {@code $replay}, {@code
 * $route-files}) and the flow figures, breaker states, payloads and stuck work behind its dashboard
 * and pages.
 */
public interface RoutingConsole {

  /** How many deliveries of one route to one service are in one status. */
  record FlowCount(String route, String serviceId, String status, long count) {}

  /** An outbox event the routing engine keeps failing to route (it retries on its own). */
  record StuckEvent(
      long id, String type, String focus, Instant createdAt, int attempts, String lastError) {}

  /**
   * A delivery consent keeps back: where it would go, the rule and reason that hold it, since when.
   *
   * @param referral the versionless referral, e.g. {@code ServiceRequest/12}
   */
  record ConsentHold(
      long id,
      String referral,
      String serviceId,
      String route,
      String consentRule,
      String reason,
      Instant heldSince) {}

  Parameters routePreview(Bundle referralBundle);

  Parameters deliveries(StringType referral);

  Parameters deadLetters(StringType service);

  Parameters replay(IntegerType delivery, StringType service);

  Parameters routeFiles();

  /** Deliveries created since, counted by route, service and status. */
  List<FlowCount> flowCounts(Instant since);

  /** When each destination service (directory id) last accepted a delivery. */
  Map<String, Instant> lastDelivered();

  /** Each partner endpoint's circuit-breaker state, by Endpoint id. */
  Map<String, String> breakerStates();

  /** The exact payload a delivery sent (or will send) to its partner. */
  Optional<String> payloadOf(long deliveryId);

  /** Deliveries consent keeps back, oldest first (at most {@code max}). */
  List<ConsentHold> consentHolds(int max);

  /** Outbox events that failed to route and are still pending, oldest first. */
  List<StuckEvent> stuckEvents();
}
