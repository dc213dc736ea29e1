package org.cypmh.routes.outbox;

import static java.nio.charset.StandardCharsets.UTF_8;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.DeliveryFeedback;
import org.cypmh.routes.delivery.PartnerPayloads;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.ServiceDirectory;
import org.cypmh.routes.routing.PlannedDelivery;
import org.cypmh.routes.routing.ReferralRouter;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * BaRS messages the gateway keeps and passes on rather than interprets: a booking request or
 * response goes, as it came, to the directory service it names (consent and audit applying as for a
 * referral); and the resources of a referral's message that the gateway keeps only in the message
 * (types it does not serve, such as a Questionnaire) are found again to travel with the referral.
 */
@Component
class MessageForwarding {

  private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";
  private static final ZoneId ENGLAND = ZoneId.of("Europe/London");

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

  /**
   * Passes the stored message on to the service the sender named, in the caller's (routing)
   * transaction. Consent is decided for the young person the message is about, as for a referral to
   * that service. Returns the delivery ids to send now.
   */
  List<Long> forward(long eventId, String focus, String serviceId) {
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
            LocalDate.now(clock.withZone(ENGLAND)),
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

  /**
   * The resources of the referral's BaRS message that were kept only in the message, each with an
   * id made from its entry's fullUrl (so a payload names it the same way every time).
   */
  List<Resource> keptOnlyInMessage(ServiceRequest referral) {
    Optional<Identifier> messageIdentifier =
        BarsOrigin.of(referral).map(BarsOrigin::messageIdentifier);
    if (messageIdentifier.isEmpty() || !messageIdentifier.get().hasValue()) {
      return List.of();
    }
    List<Resource> carried = new ArrayList<>();
    for (var found :
        daoRegistry
            .getResourceDao(Bundle.class)
            .search(
                SearchParameterMap.newSynchronous(
                    Bundle.SP_IDENTIFIER,
                    new TokenParam(
                        messageIdentifier.get().getSystem(), messageIdentifier.get().getValue())),
                new SystemRequestDetails())
            .getAllResources()) {
      Bundle message = (Bundle) found;
      for (Bundle.BundleEntryComponent entry : message.getEntry()) {
        Resource resource = entry.getResource();
        if (resource != null
            && BarsOrigin.keptOnlyInMessage(
                resource.fhirType(), daoRegistry::isResourceTypeSupported)
            && !"MessageHeader".equals(resource.fhirType())) {
          Resource copy = resource.copy();
          String idPart =
              entry.hasFullUrl()
                  ? entry.getFullUrl().replaceAll("^.*[:/]", "")
                  : UUID.randomUUID().toString();
          copy.setId(resource.fhirType() + "/" + idPart);
          carried.add(copy);
        }
      }
      break;
    }
    return carried;
  }

  private Optional<Patient> storedPatient(Bundle message) {
    return message.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance)
        .map(Patient.class::cast)
        .flatMap(p -> p.getIdentifier().stream())
        .filter(i -> NHS_NUMBER.equals(i.getSystem()) && i.hasValue())
        .findFirst()
        .flatMap(
            nhsNumber ->
                daoRegistry
                    .getResourceDao(Patient.class)
                    .search(
                        SearchParameterMap.newSynchronous(
                            Patient.SP_IDENTIFIER,
                            new TokenParam(NHS_NUMBER, nhsNumber.getValue())),
                        new SystemRequestDetails())
                    .getAllResources()
                    .stream()
                    .map(Patient.class::cast)
                    .findFirst());
  }
}
