package org.cypmh.routes.outbox;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.YoungPersonLock;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.cypmh.routes.delivery.DeliveryFeedback;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.ServiceDirectory;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.PlannedShare;
import org.cypmh.routes.routing.ReferralRouter;
import org.cypmh.routes.routing.RoutingSession;
import org.cypmh.routes.sharing.InterventionSummaries;
import org.cypmh.routes.sharing.TransitionPlanSharing;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns each claimed outbox event into deliveries, in one transaction per event: the routes decide
 * (new referral), or the referral's earlier destinations get the new version (update, cancel); the
 * deliveries, the Task's business status and the event's completion commit together.
 */
@Component
class OutboxDispatch {

  private static final Logger log = LoggerFactory.getLogger(OutboxDispatch.class);
  private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

  private final OutboxClaims claims;
  private final TransactionTemplate transaction;
  private final DaoRegistry daoRegistry;
  private final ReferralRouter router;
  private final Deliveries deliveries;
  private final DeliveryFeedback feedback;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final ValueSetMembership terminology;
  private final YoungPersonLock youngPerson;
  private final InterventionSummaries interventions;
  private final TransitionPlanSharing transitionPlans;
  private final MessageForwarding messages;
  private final OutboxMetrics metrics;

  OutboxDispatch(
      OutboxClaims claims,
      PlatformTransactionManager transactionManager,
      DaoRegistry daoRegistry,
      ReferralRouter router,
      Deliveries deliveries,
      DeliveryFeedback feedback,
      ServiceDirectory directory,
      ConsentCheck consent,
      ValueSetMembership terminology,
      YoungPersonLock youngPerson,
      InterventionSummaries interventions,
      TransitionPlanSharing transitionPlans,
      MessageForwarding messages,
      OutboxMetrics metrics) {
    this.claims = claims;
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.daoRegistry = daoRegistry;
    this.router = router;
    this.deliveries = deliveries;
    this.feedback = feedback;
    this.directory = directory;
    this.consent = consent;
    this.terminology = terminology;
    this.youngPerson = youngPerson;
    this.interventions = interventions;
    this.transitionPlans = transitionPlans;
    this.messages = messages;
    this.metrics = metrics;
  }

  /** Claims the events due now, for this node. */
  List<Long> claimDue() {
    return claims.claim();
  }

  /** Routes one claimed event; returns the ids of new deliveries to send now. */
  List<Long> route(Long eventId) {
    try {
      return transaction.execute(tx -> dispatch(eventId));
    } catch (RuntimeException e) {
      String reason =
          e instanceof ReferralRouter.RoutingFailed ? e.getMessage() : e.getClass().getSimpleName();
      log.warn("Outbox event {} not routed, will retry: {}", eventId, reason);
      claims.failed(eventId, reason);
      return List.of();
    }
  }

  private List<Long> dispatch(long eventId) {
    Optional<OutboxEvent> pending = claims.lockPending(eventId);
    if (pending.isEmpty()) {
      return List.of();
    }
    OutboxEvent event = pending.get();
    if (event.type() == OutboxEvent.Type.INTERVENTION_RECORDED) {
      Set<OutboxEvent> group = new LinkedHashSet<>(List.of(event));
      group.addAll(claims.lockGroup(event));
      return share(
          event, group, interventions.plan(group.stream().map(OutboxEvent::focus).toList()));
    }
    if (event.type() == OutboxEvent.Type.TRANSITION_PLAN_AGREED) {
      return share(event, Set.of(event), transitionPlans.plan(event.focus()));
    }
    if (event.type() == OutboxEvent.Type.MESSAGE_RECEIVED) {
      List<Long> toSend = messages.forward(event.id(), event.focus(), event.targetService());
      event.done();
      return toSend;
    }
    if (event.type() == OutboxEvent.Type.CONSENT_CHANGED) {
      reconsider(event.focus());
      event.done();
      return List.of();
    }
    ServiceRequest referral = readReferral(event.focus());
    String patient = patientReference(referral);
    youngPerson.lock(patient);
    RoutableReferral routable = routable(referral, referredOn(referral, event.createdAt()));
    List<PlannedDelivery> plans;
    if (event.targetService() != null && event.type() == OutboxEvent.Type.REFERRAL_ACCEPTED) {
      plans = toTarget(routable, event);
    } else if (event.type() == OutboxEvent.Type.REFERRAL_ACCEPTED) {
      plans = route(routable, event);
    } else {
      plans = toEarlierDestinations(routable, event);
    }
    List<Long> toSend = deliveries.store(event.id(), event.focus(), event.task(), patient, plans);
    if (event.type() == OutboxEvent.Type.REFERRAL_ACCEPTED) {
      metrics.routed(plans);
    }
    feedback.decided(
        event.type().name().toLowerCase().replace('_', '-'),
        event.focus(),
        event.task(),
        patient,
        plans);
    plans.forEach(p -> consent.record(p.referral(), p.destination(), p.consent(), "routing"));
    event.done();
    return toSend;
  }

  /**
   * Records the gateway shares (a group of recorded interventions, one young person's in one
   * summary period; an agreed transition plan) go out as one delivery per destination; the whole
   * group is done in this transaction.
   */
  private List<Long> share(OutboxEvent event, Set<OutboxEvent> group, List<PlannedShare> shares) {
    String patient = shares.isEmpty() ? null : shares.get(0).record().patientId();
    List<Long> toSend = deliveries.storeShares(event.id(), event.focus(), shares);
    feedback.decided(
        event.type().name().toLowerCase().replace('_', '-'), event.focus(), null, patient, shares);
    shares.forEach(p -> consent.record(p.record(), p.destination(), p.consent(), "sharing"));
    group.forEach(OutboxEvent::done);
    return toSend;
  }

  /**
   * A young person's consent changed: every delivery of theirs not yet sent (all were held by the
   * change) is decided again, and sent if the new consent permits it.
   */
  private void reconsider(String patient) {
    youngPerson.lock(patient);
    for (Delivery held : deliveries.ofPatient(patient, Delivery.Status.WITHHELD)) {
      Optional<DirectoryService> service = directory.byId(held.serviceId());
      if (service.isEmpty()) {
        continue;
      }
      ServiceRequest referral = readReferral(held.focus());
      RoutableReferral routable = routable(referral, referredOn(referral, held.createdAt()));
      ConsentDecision decision = consent.decide(routable, service.get());
      if (decision.permitted() || !decision.rule().equals(held.consentRule())) {
        consent.record(routable, service.get(), decision, "reconsidered");
      }
      deliveries.reconsidered(held, decision);
    }
    interventions.reconsider(patient);
  }

  private ServiceRequest readReferral(String focus) {
    return daoRegistry
        .getResourceDao(ServiceRequest.class)
        .read(new IdType(focus), new SystemRequestDetails());
  }

  private RoutableReferral routable(ServiceRequest referral, LocalDate referredOn) {
    return new RoutableReferral(
            referral,
            patientOf(referral),
            supportingInfoOf(referral),
            referredOn,
            terminology,
            directory)
        .carrying(messages.keptOnlyInMessage(referral));
  }

  /** The stored resources the referral points to as supporting information. */
  private List<Resource> supportingInfoOf(ServiceRequest referral) {
    List<Resource> resources = new ArrayList<>();
    for (Reference reference : referral.getSupportingInfo()) {
      IdType id = new IdType(reference.getReference());
      if (!id.hasResourceType() || !id.hasIdPart() || id.isAbsolute()) {
        continue;
      }
      resources.add(
          (Resource)
              daoRegistry
                  .getResourceDao(id.getResourceType())
                  .read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
    }
    return resources;
  }

  private static String patientReference(ServiceRequest referral) {
    IdType subject = new IdType(referral.getSubject().getReference());
    return "Patient".equals(subject.getResourceType())
        ? subject.toUnqualifiedVersionless().getValue()
        : null;
  }

  private List<PlannedDelivery> route(RoutableReferral referral, OutboxEvent event) {
    RoutingSession session = router.decide(referral);
    List<PlannedDelivery> plans = session.planned();
    // A referral going somewhere shows on its Task when it is delivered ("delivered to ..."); one
    // that goes nowhere must show now, or nobody would know it waits for a person.
    if (plans.isEmpty()) {
      feedback.routed(event.task(), businessStatus(session));
    }
    return plans;
  }

  /** The sender named the destination (BaRS proxying): no rules, but consent still applies. */
  private List<PlannedDelivery> toTarget(RoutableReferral referral, OutboxEvent event) {
    return directory
        .byId(event.targetService())
        .map(
            service ->
                List.of(
                    new PlannedDelivery(
                        "bars-target", service, consent.decide(referral, service), referral)))
        .orElseThrow(
            () ->
                new ReferralRouter.RoutingFailed(
                    "target service " + event.targetService() + " is not in the directory", null));
  }

  /**
   * An update goes where the referral went before, marked as an update (consent asked again, since
   * it may have been withdrawn); a referral never delivered anywhere is routed afresh on update. A
   * cancellation stops every delivery not yet attempted, and goes, marked as a cancellation, to the
   * services that received the referral (or may have: an attempt was under way).
   */
  private List<PlannedDelivery> toEarlierDestinations(
      RoutableReferral referral, OutboxEvent event) {
    String versionless = event.focus().replaceAll("/_history/.*$", "");
    Set<String> earlier = new LinkedHashSet<>();
    RoutableReferral change;
    if (event.type() == OutboxEvent.Type.REFERRAL_CANCELLED) {
      earlier.addAll(deliveries.cancelUnsent(versionless));
      change = referral.as(RoutableReferral.Change.CANCELLATION);
    } else {
      // Withheld destinations too: if consent later lets it go, its latest version follows.
      deliveries.ofReferral(versionless).forEach(d -> earlier.add(d.serviceId()));
      if (earlier.isEmpty()) {
        return route(referral, event);
      }
      change = referral.as(RoutableReferral.Change.UPDATE);
    }
    List<PlannedDelivery> plans = new ArrayList<>();
    for (String serviceId : earlier) {
      directory
          .byId(serviceId)
          .ifPresent(
              service ->
                  plans.add(
                      new PlannedDelivery(
                          event.type().name().toLowerCase().replace('_', '-'),
                          service,
                          consent.decide(referral, service),
                          change.copy())));
    }
    return plans;
  }

  private Patient patientOf(ServiceRequest referral) {
    IdType subject = new IdType(referral.getSubject().getReference());
    if (!"Patient".equals(subject.getResourceType())) {
      return null;
    }
    return daoRegistry
        .getResourceDao(Patient.class)
        .read(subject.toUnqualifiedVersionless(), new SystemRequestDetails());
  }

  private static LocalDate referredOn(ServiceRequest referral, Instant received) {
    return referral.hasAuthoredOn()
        ? referral.getAuthoredOn().toInstant().atZone(ENGLAND).toLocalDate()
        : received.atZone(ENGLAND).toLocalDate();
  }

  private static String businessStatus(RoutingSession session) {
    return session.unserved().isEmpty()
        ? "no route matched: held for manual triage"
        : "no eligible service: held for manual triage";
  }
}
