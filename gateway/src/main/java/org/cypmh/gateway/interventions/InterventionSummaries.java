package org.cypmh.gateway.interventions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cypmh.routes.api.ClaimedEvent;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.PlannedShare;
import org.cypmh.routes.api.RecordSharing;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.api.YoungPersonLock;
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
class InterventionSummaries implements OutboxHandler {

  private final DaoRegistry daoRegistry;
  private final InterventionRecipients recipients;
  private final ConsentCheck consent;
  private final YoungPersonLock youngPerson;
  private final RecordSharing sharing;

  InterventionSummaries(
      DaoRegistry daoRegistry,
      InterventionRecipients recipients,
      ConsentCheck consent,
      YoungPersonLock youngPerson,
      RecordSharing sharing) {
    this.daoRegistry = daoRegistry;
    this.recipients = recipients;
    this.consent = consent;
    this.youngPerson = youngPerson;
    this.sharing = sharing;
  }

  @Override
  public OutboxEventType handles() {
    return OutboxEventType.INTERVENTION_RECORDED;
  }

  @Override
  public List<Long> handle(ClaimedEvent event) {
    return sharing.share(event, plan(event.groupFocuses()));
  }

  /**
   * The summary of these recorded interventions (Procedure versions of one young person) for each
   * destination. A Procedure recorded several times in the group goes once, as its latest version.
   */
  List<PlannedShare> plan(List<String> procedureVersions) {
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
