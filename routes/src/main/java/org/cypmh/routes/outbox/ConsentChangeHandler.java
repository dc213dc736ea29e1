package org.cypmh.routes.outbox;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import java.util.Optional;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.api.YoungPersonLock;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A young person's consent changed: every delivery of theirs not yet sent (all were held by the
 * change), referrals and shared records alike, is decided again, and sent if the new consent
 * permits it.
 */
@Component
class ConsentChangeHandler implements OutboxHandler {

  private final Deliveries deliveries;
  private final StoredReferrals referrals;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;
  private final YoungPersonLock youngPerson;
  private final DaoRegistry daoRegistry;
  private final FhirContext fhirContext;

  ConsentChangeHandler(
      Deliveries deliveries,
      StoredReferrals referrals,
      ServiceDirectory directory,
      ConsentCheck consent,
      YoungPersonLock youngPerson,
      DaoRegistry daoRegistry,
      FhirContext fhirContext) {
    this.deliveries = deliveries;
    this.referrals = referrals;
    this.directory = directory;
    this.consent = consent;
    this.youngPerson = youngPerson;
    this.daoRegistry = daoRegistry;
    this.fhirContext = fhirContext;
  }

  @Override
  public OutboxEventType handles() {
    return OutboxEventType.CONSENT_CHANGED;
  }

  @Override
  public List<Long> handle(ClaimedEvent event) {
    String patient = event.focus();
    youngPerson.lock(patient);
    for (Delivery held : deliveries.ofPatient(patient, Delivery.Status.WITHHELD)) {
      Optional<DirectoryService> service = directory.byId(held.serviceId());
      if (service.isEmpty()) {
        continue;
      }
      ServiceRequest referral = referrals.read(held.focus());
      RoutableReferral routable = referrals.routable(referral, held.createdAt());
      reconsider(held, routable, service.get());
    }
    List<Delivery> withheldShares = deliveries.sharesOfPatient(patient, Delivery.Status.WITHHELD);
    if (!withheldShares.isEmpty()) {
      Patient stored =
          daoRegistry
              .getResourceDao(Patient.class)
              .read(new IdType(patient), new SystemRequestDetails());
      for (Delivery held : withheldShares) {
        Optional<DirectoryService> service = directory.byId(held.serviceId());
        if (service.isEmpty()) {
          continue;
        }
        List<Resource> records = recordsIn(held.payload());
        reconsider(
            held,
            new SharedRecord(
                stored, records.isEmpty() ? "Procedure" : records.get(0).fhirType(), records),
            service.get());
      }
    }
    // Nothing new to send: Deliveries sends each released delivery once this transaction commits.
    return List.of();
  }

  private void reconsider(Delivery held, SharedRecord record, DirectoryService service) {
    ConsentDecision decision = consent.decide(record, service);
    if (decision.permitted() || !decision.rule().equals(held.consentRule())) {
      consent.record(record, service, decision, "reconsidered");
    }
    deliveries.reconsidered(held, decision);
  }

  private void reconsider(Delivery held, RoutableReferral referral, DirectoryService service) {
    ConsentDecision decision = consent.decide(referral, service);
    if (decision.permitted() || !decision.rule().equals(held.consentRule())) {
      consent.record(referral, service, decision, "reconsidered");
    }
    deliveries.reconsidered(held, decision);
  }

  private List<Resource> recordsIn(String payload) {
    return fhirContext.newJsonParser().parseResource(Bundle.class, payload).getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> !(r instanceof Patient))
        .toList();
  }
}
