package org.cypmh.gateway.transitions;

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
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.GpPractices;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxHandler;
import org.cypmh.routes.api.PlannedShare;
import org.cypmh.routes.api.RecordSharing;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.api.YoungPersonLock;
import org.cypmh.terminology.api.CodeTranslation;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.api.Translation;
import org.cypmh.terminology.api.TranslationTarget;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Shares an agreed transition care plan with the adult services it names and the young person's GP
 * practice, each as consent allows. The plan names a service by service type: in an activity's
 * {@code detail.code}, or as the {@code performerType} of a referral an activity points to; a CAMHS
 * service type is translated to its adult equivalent through the CAMHS-to-adult ConceptMap.
 */
@Component
class TransitionPlanSharing implements OutboxHandler {

  static final String CAMHS_TO_ADULT =
      "https://cypmh-gateway.org/fhir/ConceptMap/camhs-to-adult-service-type";

  /** Targets that stand for the source service (R4 equivalence, read from target to source). */
  private static final Set<ConceptMapEquivalence> SAME_SERVICE =
      Set.of(
          ConceptMapEquivalence.EQUIVALENT,
          ConceptMapEquivalence.EQUAL,
          ConceptMapEquivalence.WIDER,
          ConceptMapEquivalence.SUBSUMES);

  private final DaoRegistry daoRegistry;
  private final ServiceDirectory directory;
  private final CodeTranslation translation;
  private final GpPractices gpPractices;
  private final RecordSharing sharing;
  private final ConsentCheck consent;
  private final YoungPersonLock youngPerson;

  TransitionPlanSharing(
      DaoRegistry daoRegistry,
      ServiceDirectory directory,
      CodeTranslation translation,
      GpPractices gpPractices,
      ConsentCheck consent,
      YoungPersonLock youngPerson,
      RecordSharing sharing) {
    this.sharing = sharing;
    this.daoRegistry = daoRegistry;
    this.directory = directory;
    this.translation = translation;
    this.gpPractices = gpPractices;
    this.consent = consent;
    this.youngPerson = youngPerson;
  }

  /** The plan version for each destination, with its consent decision. */
  @Override
  public OutboxEventType handles() {
    return OutboxEventType.TRANSITION_PLAN_AGREED;
  }

  @Override
  public List<Long> handle(ClaimedEvent event) {
    return sharing.share(event, plan(event.focus()));
  }

  List<PlannedShare> plan(String carePlanVersion) {
    CarePlan plan =
        daoRegistry
            .getResourceDao(CarePlan.class)
            .read(new IdType(carePlanVersion), new SystemRequestDetails());
    IdType subject = new IdType(plan.getSubject().getReference());
    if (!"Patient".equals(subject.getResourceType())) {
      return List.of();
    }
    Patient patient =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(subject.toUnqualifiedVersionless(), new SystemRequestDetails());
    youngPerson.lock(subject.toUnqualifiedVersionless().getValue());
    SharedRecord record = new SharedRecord(patient, "CarePlan", List.<Resource>of(plan));
    Map<DirectoryService, String> destinations = new LinkedHashMap<>();
    for (String adultType : adultServiceTypes(plan)) {
      directory.ofType(adultType).stream()
          .findFirst()
          .ifPresent(
              service -> destinations.putIfAbsent(service, "transition-plan-to-adult-service"));
    }
    gpPractices
        .of(patient)
        .forEach(service -> destinations.putIfAbsent(service, "transition-plan-to-gp"));
    List<PlannedShare> shares = new ArrayList<>();
    destinations.forEach(
        (service, route) ->
            shares.add(new PlannedShare(route, service, consent.decide(record, service), record)));
    return shares;
  }

  /** The adult service types the plan names, CAMHS ones translated. */
  private Set<String> adultServiceTypes(CarePlan plan) {
    Set<String> named = new LinkedHashSet<>();
    for (CarePlan.CarePlanActivityComponent activity : plan.getActivity()) {
      serviceTypes(activity.getDetail().getCode()).forEach(named::add);
      IdType reference = new IdType(activity.getReference().getReference());
      if ("ServiceRequest".equals(reference.getResourceType()) && reference.hasIdPart()) {
        ServiceRequest referral =
            daoRegistry
                .getResourceDao(ServiceRequest.class)
                .read(reference.toUnqualifiedVersionless(), new SystemRequestDetails());
        serviceTypes(referral.getPerformerType()).forEach(named::add);
      }
    }
    Set<String> adult = new LinkedHashSet<>();
    for (String type : named) {
      Translation translated =
          translation.translate(
              new Coding(TerminologyContent.SERVICE_TYPE_SYSTEM, type, null), CAMHS_TO_ADULT);
      if (translated.status() == Translation.Status.NOT_IN_MAP) {
        adult.add(type); // not a CAMHS type: already an adult service
      }
      translated.targets().stream()
          .filter(t -> SAME_SERVICE.contains(t.equivalence()))
          .map(TranslationTarget::code)
          .forEach(adult::add);
    }
    return adult;
  }

  private static List<String> serviceTypes(CodeableConcept concept) {
    return concept.getCoding().stream()
        .filter(c -> TerminologyContent.SERVICE_TYPE_SYSTEM.equals(c.getSystem()) && c.hasCode())
        .map(Coding::getCode)
        .toList();
  }
}
