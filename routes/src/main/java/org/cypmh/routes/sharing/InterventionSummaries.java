package org.cypmh.routes.sharing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.YoungPersonLock;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.ServiceDirectory;
import org.cypmh.routes.routing.PlannedShare;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Shares a young person's brief interventions with the services that should know (their CAMHS
 * service and GP practice, {@link InterventionRecipients}), as one summary per group of recorded
 * interventions, each destination asked for consent.
 */
@Component
public class InterventionSummaries {

  private final DaoRegistry daoRegistry;
  private final InterventionRecipients recipients;
  private final ConsentCheck consent;
  private final Deliveries deliveries;
  private final ServiceDirectory directory;
  private final FhirContext fhirContext;
  private final YoungPersonLock youngPerson;

  InterventionSummaries(
      DaoRegistry daoRegistry,
      InterventionRecipients recipients,
      ConsentCheck consent,
      Deliveries deliveries,
      ServiceDirectory directory,
      FhirContext fhirContext,
      YoungPersonLock youngPerson) {
    this.daoRegistry = daoRegistry;
    this.recipients = recipients;
    this.consent = consent;
    this.deliveries = deliveries;
    this.directory = directory;
    this.fhirContext = fhirContext;
    this.youngPerson = youngPerson;
  }

  /**
   * The summary of these recorded interventions (Procedure versions of one young person) for each
   * destination. A Procedure recorded several times in the group goes once, as its latest version.
   */
  public List<PlannedShare> plan(List<String> procedureVersions) {
    Map<String, Procedure> latest = new LinkedHashMap<>();
    for (String version : procedureVersions) {
      Procedure procedure =
          daoRegistry
              .getResourceDao(Procedure.class)
              .read(new IdType(version).toUnqualifiedVersionless(), new SystemRequestDetails());
      latest.put(procedure.getIdElement().toUnqualifiedVersionless().getValue(), procedure);
    }
    if (latest.isEmpty()) {
      return List.of();
    }
    Patient patient = patientOf(latest.values().iterator().next());
    if (patient == null) {
      return List.of();
    }
    // Before consent is asked: a consent change of this young person waits, or is waited for.
    youngPerson.lock(patient.getIdElement().toUnqualifiedVersionless().getValue());
    SharedRecord record =
        new SharedRecord(patient, "Procedure", List.<Resource>copyOf(latest.values()));
    Set<String> performers = new LinkedHashSet<>();
    latest
        .values()
        .forEach(
            p ->
                p.getPerformer().stream()
                    .map(performer -> performer.getActor().getReference())
                    .forEach(performers::add));
    List<PlannedShare> shares = new ArrayList<>();
    recipients
        .of(patient, performers)
        .forEach(
            (service, why) ->
                shares.add(
                    new PlannedShare(
                        "interventions-to-" + why,
                        service,
                        consent.decide(record, service),
                        record)));
    return shares;
  }

  /**
   * A young person's consent changed: each shared record of theirs not yet sent (intervention
   * summaries, transition plans) is decided again, and sent if the new consent permits it.
   */
  public void reconsider(String patient) {
    List<Delivery> withheld = deliveries.sharesOfPatient(patient, Delivery.Status.WITHHELD);
    if (withheld.isEmpty()) {
      return;
    }
    Patient stored =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(new IdType(patient), new SystemRequestDetails());
    for (Delivery held : withheld) {
      Optional<DirectoryService> service = directory.byId(held.serviceId());
      if (service.isEmpty()) {
        continue;
      }
      List<Resource> records = recordsIn(held.payload());
      SharedRecord record =
          new SharedRecord(
              stored, records.isEmpty() ? "Procedure" : records.get(0).fhirType(), records);
      ConsentDecision decision = consent.decide(record, service.get());
      if (decision.permitted() || !decision.rule().equals(held.consentRule())) {
        consent.record(record, service.get(), decision, "reconsidered");
      }
      deliveries.reconsidered(held, decision);
    }
  }

  private List<Resource> recordsIn(String payload) {
    return fhirContext.newJsonParser().parseResource(Bundle.class, payload).getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> !(r instanceof Patient))
        .toList();
  }

  private Patient patientOf(Procedure procedure) {
    Reference subject = procedure.getSubject();
    if (!"Patient".equals(subject.getReferenceElement().getResourceType())) {
      return null;
    }
    return daoRegistry
        .getResourceDao(Patient.class)
        .read(subject.getReferenceElement().toUnqualifiedVersionless(), new SystemRequestDetails());
  }
}
