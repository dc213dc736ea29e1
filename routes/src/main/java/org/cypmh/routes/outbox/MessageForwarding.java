package org.cypmh.routes.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.England;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.DeliveryFeedback;
import org.cypmh.routes.delivery.PartnerPayloads;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.ReferralRouter;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * BaRS messages the gateway keeps and passes on rather than interprets: a booking request or
 * response goes, as it came, to the directory service it names (consent and audit applying as for a
 * referral); and the resources of a referral's message that the gateway keeps only in the message
 * (types it does not serve, such as a Questionnaire) are found again to travel with the referral.
 */
@Component
class MessageForwarding implements OutboxHandler {

  private final DaoRegistry daoRegistry;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final Deliveries deliveries;
  private final PartnerPayloads payloads;
  private final DeliveryFeedback feedback;
  private final ValueSetMembership terminology;
  private final Clock clock;

  MessageForwarding(
      DaoRegistry daoRegistry,
      ServiceDirectory directory,
      ConsentCheck consent,
      Deliveries deliveries,
      PartnerPayloads payloads,
      DeliveryFeedback feedback,
      ValueSetMembership terminology,
      Clock clock) {
    this.daoRegistry = daoRegistry;
    this.directory = directory;
    this.consent = consent;
    this.deliveries = deliveries;
    this.payloads = payloads;
    this.feedback = feedback;
    this.terminology = terminology;
    this.clock = clock;
  }

  @Override
  public OutboxEventType handles() {
    return OutboxEventType.MESSAGE_RECEIVED;
  }

  @Override
  public List<Long> handle(ClaimedEvent event) {
    return forward(event.id(), event.focus(), event.targetService());
  }

  /**
   * Passes the stored message on to the service the sender named, in the caller's (routing)
   * transaction. Consent is decided for the young person the message is about, as for a referral to
   * that service. Returns the delivery ids to send now.
   */
  private List<Long> forward(long eventId, String focus, String serviceId) {
    Bundle message =
        daoRegistry
            .getResourceDao(Bundle.class)
            .read(new IdType(focus).toUnqualifiedVersionless(), new SystemRequestDetails());
    DirectoryService service =
        directory
            .byId(serviceId == null ? "" : serviceId)
            .orElseThrow(
                () ->
                    new ReferralRouter.RoutingFailed(
                        "message target " + serviceId + " is not in the directory", null));
    Patient patient = storedPatient(message).orElse(null);
    String patientId =
        patient == null ? null : patient.getIdElement().toUnqualifiedVersionless().getValue();
    // Consent is asked as for a referral of this young person to the service: the same rules,
    // labels and audit, for what the message says about them.
    ServiceRequest about = new ServiceRequest();
    if (patientId != null) {
      about.setSubject(new Reference(patientId));
    }
    RoutableReferral routable =
        new RoutableReferral(
            about,
            patient,
            List.of(),
            LocalDate.now(clock.withZone(England.ZONE)),
            terminology,
            directory);
    ConsentDecision decision = consent.decide(routable, service);
    String key =
        UUID.nameUUIDFromBytes((focus + "|" + service.serviceId()).getBytes(UTF_8)).toString();
    List<Long> toSend =
        deliveries.storeMessage(
            eventId,
            focus,
            patientId,
            service,
            decision,
            payloads.forwarded(message, service, decision),
            key);
    PlannedDelivery plan = new PlannedDelivery("bars-message", service, decision, routable);
    feedback.decided("message-received", focus, null, patientId, List.of(plan));
    consent.record(routable, service, decision, "forwarding");
    return toSend;
  }

  private Optional<Patient> storedPatient(Bundle message) {
    return message.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .flatMap(p -> p.getIdentifier().stream())
        .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()) && i.hasValue())
        .findFirst()
        .flatMap(
            nhsNumber ->
                daoRegistry
                    .getResourceDao(Patient.class)
                    .search(
                        SearchParameterMap.newSynchronous(
                            Patient.SP_IDENTIFIER,
                            new TokenParam(
                                ConformancePackage.NHS_NUMBER_SYSTEM, nhsNumber.getValue())),
                        new SystemRequestDetails())
                    .getAllResources()
                    .stream()
                    .map(Patient.class::cast)
                    .findFirst());
  }
}
