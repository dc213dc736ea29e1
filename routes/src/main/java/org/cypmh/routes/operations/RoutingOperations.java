package org.cypmh.routes.operations;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.cypmh.routes.api.England;
import org.cypmh.routes.api.OperationProvider;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.RoutingConsole;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.cypmh.routes.delivery.DeliveryAttempt;
import org.cypmh.routes.delivery.PartnerClient;
import org.cypmh.routes.delivery.PartnerPayloads;
import org.cypmh.routes.outbox.OutboxClaims;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.ReferralRouter;
import org.cypmh.routes.routing.RouteFileStatus;
import org.cypmh.routes.routing.RouteFiles;
import org.cypmh.routes.routing.RoutingSession;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;
import org.springframework.stereotype.Component;

/**
 * The routing operations at the server base:
 *
 * <ul>
 *   <li>{@code POST $route-preview} with a referral Bundle: the matching routes, destinations,
 *       consent decisions and exact payloads, with nothing sent or stored;
 *   <li>{@code GET $deliveries?referral=ServiceRequest/1}: each delivery of a referral, with its
 *       attempts;
 *   <li>{@code GET $dead-letters[?service=]} and {@code POST $replay?delivery=|service=};
 *   <li>{@code GET $route-files}: the last load outcome of every route file, where route files come
 *       from ({@code source}) and, for those kept in the database, the version loaded;
 * </ul>
 */
@Component
public class RoutingOperations implements OperationProvider, RoutingConsole {

  private final ReferralRouter router;
  private final Deliveries deliveries;
  private final PartnerPayloads payloads;
  private final RouteFiles routeFiles;
  private final ValueSetMembership terminology;
  private final ServiceDirectory directory;
  private final DaoRegistry daoRegistry;
  private final Clock clock;
  private final PartnerClient partnerClient;
  private final OutboxClaims outbox;

  RoutingOperations(
      ReferralRouter router,
      Deliveries deliveries,
      PartnerPayloads payloads,
      RouteFiles routeFiles,
      ValueSetMembership terminology,
      ServiceDirectory directory,
      DaoRegistry daoRegistry,
      Clock clock,
      PartnerClient partnerClient,
      OutboxClaims outbox) {
    this.partnerClient = partnerClient;
    this.outbox = outbox;
    this.router = router;
    this.deliveries = deliveries;
    this.payloads = payloads;
    this.routeFiles = routeFiles;
    this.terminology = terminology;
    this.directory = directory;
    this.daoRegistry = daoRegistry;
    this.clock = clock;
  }

  @Operation(name = "$route-preview", idempotent = false)
  public Parameters routePreview(
      @OperationParam(name = "resource", min = 1, max = 1) Bundle referralBundle) {
    ServiceRequest referral =
        referralBundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(ServiceRequest.class::isInstance)
            .map(ServiceRequest.class::cast)
            .findFirst()
            .orElseThrow(
                () ->
                    new UnprocessableEntityException(
                        "$route-preview needs a Bundle with a ServiceRequest (and its Patient)"));
    Patient patient = patientFor(referralBundle, referral);
    LocalDate referredOn =
        referral.hasAuthoredOn()
            ? referral.getAuthoredOn().toInstant().atZone(England.ZONE).toLocalDate()
            : LocalDate.now(clock.withZone(England.ZONE));
    RoutingSession session;
    try {
      session =
          router.decide(
              new RoutableReferral(
                  referral,
                  patient,
                  supportingInfoIn(referralBundle, referral),
                  referredOn,
                  terminology,
                  directory));
    } catch (ReferralRouter.RoutingFailed e) {
      throw new UnprocessableEntityException("Routing failed: " + e.getMessage());
    }
    Parameters result = new Parameters();
    session.matchedRoutes().stream().sorted().forEach(r -> result.addParameter("route", r));
    for (PlannedDelivery plan : session.planned()) {
      Connection connection =
          plan.destination().endpoint() == null
              ? Connection.FHIR_REST
              : plan.destination().endpoint().connection();
      ParametersParameterComponent destination = result.addParameter().setName("destination");
      destination.addPart().setName("route").setValue(new StringType(plan.routeId()));
      destination
          .addPart()
          .setName("serviceId")
          .setValue(new StringType(plan.destination().serviceId()));
      destination
          .addPart()
          .setName("service")
          .setValue(
              new Reference(plan.destination().resourceId()).setDisplay(plan.destination().name()));
      if (plan.destination().endpoint() != null) {
        destination
            .addPart()
            .setName("endpoint")
            .setValue(new UrlType(plan.destination().endpoint().address()));
      }
      destination.addPart().setName("connection").setValue(new CodeType(connection.name()));
      destination
          .addPart()
          .setName("consentPermitted")
          .setValue(new BooleanType(plan.consent().permitted()));
      destination
          .addPart()
          .setName("consentOutcome")
          .setValue(new CodeType(plan.consent().outcome().name().toLowerCase().replace('_', '-')));
      destination.addPart().setName("consentRule").setValue(new CodeType(plan.consent().rule()));
      destination
          .addPart()
          .setName("consentReason")
          .setValue(new StringType(plan.consent().reason()));
      destination
          .addPart()
          .setName("payload")
          .setResource(payloads.bundle(plan, connection, "preview"));
    }
    session.unserved().forEach(u -> result.addParameter("unserved", u));
    return result;
  }

  @Operation(name = "$deliveries", idempotent = true)
  public Parameters deliveries(
      @OperationParam(name = "referral", min = 1, max = 1) StringType referral) {
    String id = new IdType(referral.getValue()).toUnqualifiedVersionless().getValue();
    Parameters result = new Parameters();
    for (Delivery delivery : deliveries.ofReferral(id)) {
      ParametersParameterComponent part =
          describe(result.addParameter().setName("delivery"), delivery);
      for (DeliveryAttempt attempt : deliveries.attemptsOf(delivery.id())) {
        ParametersParameterComponent a = part.addPart().setName("attempt");
        a.addPart().setName("number").setValue(new IntegerType(attempt.number()));
        a.addPart().setName("at").setValue(new DateTimeType(Date.from(attempt.startedAt())));
        if (attempt.httpStatus() != null) {
          a.addPart().setName("httpStatus").setValue(new IntegerType(attempt.httpStatus()));
        }
        a.addPart().setName("outcome").setValue(new StringType(attempt.outcome()));
      }
    }
    return result;
  }

  @Operation(name = "$dead-letters", idempotent = true)
  public Parameters deadLetters(@OperationParam(name = "service", max = 1) StringType service) {
    Parameters result = new Parameters();
    deliveries
        .deadLetters(null, service == null ? null : service.getValue())
        .forEach(d -> describe(result.addParameter().setName("deadLetter"), d));
    return result;
  }

  @Operation(name = "$replay", idempotent = false)
  public Parameters replay(
      @OperationParam(name = "delivery", max = 1) IntegerType delivery,
      @OperationParam(name = "service", max = 1) StringType service) {
    if (delivery == null && service == null) {
      throw new InvalidRequestException(
          "$replay needs delivery=<dead letter id> or service=<service identifier>");
    }
    int replayed =
        deliveries.replay(
            delivery == null ? null : delivery.getValue().longValue(),
            service == null ? null : service.getValue());
    Parameters result = new Parameters();
    result.addParameter("replayed", new IntegerType(replayed));
    return result;
  }

  @Operation(name = "$route-files", idempotent = true)
  public Parameters routeFiles() {
    Parameters result = new Parameters();
    for (RouteFileStatus status : routeFiles.status()) {
      ParametersParameterComponent file = result.addParameter().setName("file");
      file.addPart().setName("location").setValue(new StringType(status.file()));
      file.addPart().setName("state").setValue(new CodeType(status.state()));
      status.routeIds().stream()
          .sorted()
          .forEach(id -> file.addPart().setName("route").setValue(new StringType(id)));
      if (status.problem() != null) {
        file.addPart().setName("problem").setValue(new StringType(status.problem()));
      }
      file.addPart().setName("at").setValue(new DateTimeType(Date.from(status.at())));
      if (status.stored() != null) {
        // The database version this node loaded (or refused): the same on every node once each
        // has polled.
        RouteFileOperations.describe(file.addPart().setName("stored"), status.stored(), false);
      }
    }
    result.addParameter("source", new CodeType(routeFiles.source().name().toLowerCase()));
    return result;
  }

  /** The flow since an instant, for the operator console's dashboard. */
  @Override
  public List<FlowCount> flowCounts(Instant since) {
    return deliveries.countsSince(since).stream()
        .map(
            row ->
                new FlowCount(
                    (String) row[0],
                    (String) row[1],
                    ((Delivery.Status) row[2]).name(),
                    ((Number) row[3]).longValue()))
        .toList();
  }

  /** When each destination service (directory id) last accepted a delivery. */
  @Override
  public Map<String, Instant> lastDelivered() {
    Map<String, Instant> last = new TreeMap<>();
    deliveries.lastDeliveredByService().forEach(row -> last.put((String) row[0], (Instant) row[1]));
    return last;
  }

  /** Each partner endpoint's circuit-breaker state, by Endpoint id. */
  @Override
  public Map<String, String> breakerStates() {
    return partnerClient.breakerStates();
  }

  /** Stuck work: outbox events that failed to route and are still pending, oldest first. */
  @Override
  public List<StuckEvent> stuckEvents() {
    return outbox.failingToRoute(500);
  }

  @Override
  public List<ConsentHold> consentHolds(int max) {
    return deliveries.withheld(max).stream()
        .map(
            d ->
                new ConsentHold(
                    d.id(),
                    d.referral(),
                    d.serviceId(),
                    d.routeId(),
                    d.consentRule(),
                    d.consent(),
                    d.createdAt()))
        .toList();
  }

  /** The exact payload a delivery sent (or will send) to its partner. */
  @Override
  public Optional<String> payloadOf(long deliveryId) {
    return deliveries.find(deliveryId).map(Delivery::payload);
  }

  private static ParametersParameterComponent describe(
      ParametersParameterComponent part, Delivery delivery) {
    part.addPart().setName("id").setValue(new IntegerType(delivery.id().intValue()));
    part.addPart().setName("route").setValue(new StringType(delivery.routeId()));
    part.addPart().setName("serviceId").setValue(new StringType(delivery.serviceId()));
    part.addPart().setName("service").setValue(new Reference(delivery.service()));
    part.addPart().setName("referral").setValue(new Reference(delivery.focus()));
    if (delivery.task() != null) {
      part.addPart().setName("task").setValue(new Reference(delivery.task()));
    }
    part.addPart().setName("status").setValue(new CodeType(delivery.status().name()));
    part.addPart().setName("attempts").setValue(new IntegerType(delivery.attempts()));
    if (delivery.status() == Delivery.Status.PENDING) {
      // The schedule: when the next attempt is due (while a node holds it, when its lease ends).
      part.addPart()
          .setName("nextAttemptAt")
          .setValue(new DateTimeType(Date.from(delivery.nextAttemptAt())));
    }
    part.addPart().setName("idempotencyKey").setValue(new StringType(delivery.idempotencyKey()));
    if (delivery.consent() != null) {
      part.addPart().setName("consent").setValue(new StringType(delivery.consent()));
    }
    if (delivery.consentRule() != null) {
      part.addPart().setName("consentRule").setValue(new CodeType(delivery.consentRule()));
    }
    part.addPart().setName("redacted").setValue(new IntegerType(delivery.redacted()));
    if (delivery.lastError() != null) {
      part.addPart().setName("lastError").setValue(new StringType(delivery.lastError()));
    }
    if (delivery.partnerLocation() != null) {
      part.addPart()
          .setName("partnerLocation")
          .setValue(new StringType(delivery.partnerLocation()));
    }
    return part;
  }

  private Patient patientFor(Bundle bundle, ServiceRequest referral) {
    Patient inBundle =
        bundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .findFirst()
            .orElse(null);
    if (inBundle != null) {
      return inBundle;
    }
    IdType subject = new IdType(referral.getSubject().getReference());
    if ("Patient".equals(subject.getResourceType()) && subject.hasIdPart()) {
      return daoRegistry
          .getResourceDao(Patient.class)
          .read(subject.toUnqualifiedVersionless(), new SystemRequestDetails());
    }
    throw new UnprocessableEntityException(
        "$route-preview needs the Patient in the Bundle, or a subject reference to a stored Patient");
  }

  /** The Bundle's resources that the referral names as supporting information. */
  private static List<Resource> supportingInfoIn(Bundle bundle, ServiceRequest referral) {
    Set<String> wanted =
        referral.getSupportingInfo().stream()
            .map(Reference::getReference)
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    return bundle.getEntry().stream()
        .filter(
            e ->
                wanted.contains(e.getFullUrl())
                    || (e.getResource() != null
                        && wanted.contains(
                            e.getResource().getIdElement().toUnqualifiedVersionless().getValue())))
        .map(Bundle.BundleEntryComponent::getResource)
        .toList();
  }
}
