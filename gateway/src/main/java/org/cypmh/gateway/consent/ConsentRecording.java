package org.cypmh.gateway.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.annotation.PostConstruct;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.gateway.audit.AuditEventBuilder;
import org.cypmh.gateway.audit.AuditTrail;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.OrganisationReferences;
import org.cypmh.gateway.fhir.Refusal;
import org.cypmh.gateway.fhir.TaskParties;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Who may record which Consent. A Consent releases a young person's records, so a partner must not
 * be able to write the permit that releases them to itself. For every Consent a partner writes
 * (REST, transaction or message):
 *
 * <ol>
 *   <li>its performer is the young person (Consent.patient) or a recorded parent or guardian of
 *       that young person (a RelatedPerson of that Patient with a parent or guardian relationship);
 *       otherwise 422 {@code business-rule};
 *   <li>a recorder in a sector of {@code gateway.consent.recording.sectors} (by default the young
 *       person's CAMHS and GP) with a care relationship to the young person may record any Consent:
 *       a GP practice the young person is registered with, another service that owns or requested
 *       one of the young person's Tasks;
 *   <li>any other partner may record denials, and permits that name who may receive (a referrer
 *       recording the young person's agreement to share with the service it refers to), but never a
 *       permit that names itself or names nobody (which would include itself): 403 {@code
 *       forbidden}.
 * </ol>
 *
 * Every Consent a partner records is audited ({@code consent-recorded}); a refusal is on the audit
 * trail as the refused request. The operator records on the young person's behalf without these
 * limits.
 */
@Component
@ConditionalOnProperty(name = "gateway.consent.enabled", matchIfMissing = true)
class ConsentRecording {

  static final Set<String> PARENT_OR_GUARDIAN =
      Set.of(
          "PRN", "MTH", "FTH", "NPRN", "NMTH", "NFTH", "GUARD", "STPPRN", "STPMTH", "STPFTH",
          "ADOPTP", "ADOPTM", "ADOPTF", "PRNFOST", "MTHFOST", "FTHFOST");
  private static final String ROLE_CODES = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";

  private final IInterceptorService storageInterceptors;
  private final DaoRegistry daoRegistry;
  private final Recipients recipients;
  private final ServiceDirectory directory;
  private final OrganisationReferences organisations;
  private final TaskParties tasks;
  private final ConsentProperties policy;
  private final AuditTrail audit;
  private final Clock clock;

  ConsentRecording(
      IInterceptorService storageInterceptors,
      DaoRegistry daoRegistry,
      Recipients recipients,
      ServiceDirectory directory,
      OrganisationReferences organisations,
      TaskParties tasks,
      ConsentProperties policy,
      AuditTrail audit,
      Clock clock) {
    this.storageInterceptors = storageInterceptors;
    this.daoRegistry = daoRegistry;
    this.recipients = recipients;
    this.directory = directory;
    this.organisations = organisations;
    this.tasks = tasks;
    this.policy = policy;
    this.audit = audit;
    this.clock = clock;
  }

  @PostConstruct
  void register() {
    // The storage layer's hooks: Consents inside transactions and messages count too, checked once
    // their references are resolved.
    storageInterceptors.registerInterceptor(this);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    check(resource, request, "create");
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource current, RequestDetails request) {
    check(current, request, "update");
  }

  private void check(IBaseResource resource, RequestDetails request, String interaction) {
    if (!(resource instanceof Consent consent)) {
      return;
    }
    Caller caller = Caller.of(request);
    if (!caller.isPartner()) {
      return;
    }
    String ods = caller.odsCode();
    String patientId = patientId(consent);
    requirePerformerIsYoungPersonOrParent(consent, patientId);
    Optional<Recipient> recorder = recipients.byOdsCode(ods);
    boolean trusted =
        recorder.map(r -> policy.recording().sectors().contains(r.sector())).orElse(false)
            && caresFor(recorder.get(), patientId);
    if (!trusted) {
      refuseSelfGrant(consent, ods, recorder);
    }
    audit.record(
        AuditEventBuilder.gateway(
                "consent-recorded", interaction, AuditEventAction.C, clock.instant())
            .outcome(
                AuditEventOutcome._0,
                "Consent "
                    + interaction
                    + " by "
                    + ods
                    + (trusted ? " (recorder with a care relationship)" : " (no self-release)"))
            .requestor(
                AuditEventBuilder.organisation(ods, recorder.map(Recipient::name).orElse(ods)),
                caller.address())
            .patient(patientId)
            .data(consent.getIdElement().toUnqualifiedVersionless().getValue())
            .correlation(request == null ? null : request.getRequestId())
            .build());
  }

  private static String patientId(Consent consent) {
    IdType patient = new IdType(consent.getPatient().getReference());
    if (!"Patient".equals(patient.getResourceType()) || !patient.hasIdPart()) {
      throw unprocessable(
          "Consent.patient must reference the young person (a Patient)", "Consent.patient");
    }
    return patient.toUnqualifiedVersionless().getValue();
  }

  private void requirePerformerIsYoungPersonOrParent(Consent consent, String patientId) {
    for (Reference performer : consent.getPerformer()) {
      IdType id = new IdType(performer.getReference());
      if (!id.hasIdPart()) {
        continue;
      }
      if ("Patient".equals(id.getResourceType())
          && id.toUnqualifiedVersionless().getValue().equals(patientId)) {
        return;
      }
      if ("RelatedPerson".equals(id.getResourceType()) && parentOf(id, patientId)) {
        return;
      }
    }
    throw unprocessable(
        "Consent.performer must be the young person (Consent.patient) or a recorded parent or"
            + " guardian of the young person (a RelatedPerson of that Patient with a parent or"
            + " guardian relationship)",
        "Consent.performer");
  }

  private boolean parentOf(IdType relatedPersonId, String patientId) {
    try {
      RelatedPerson person =
          (RelatedPerson)
              daoRegistry
                  .getResourceDao(RelatedPerson.class)
                  .read(relatedPersonId.toUnqualifiedVersionless(), new SystemRequestDetails());
      boolean ofThisYoungPerson =
          person.hasPatient()
              && new IdType(person.getPatient().getReference())
                  .toUnqualifiedVersionless()
                  .getValue()
                  .equals(patientId);
      boolean parental =
          person.getRelationship().stream()
              .flatMap(concept -> concept.getCoding().stream())
              .anyMatch(
                  (Coding c) ->
                      ROLE_CODES.equals(c.getSystem()) && PARENT_OR_GUARDIAN.contains(c.getCode()));
      return ofThisYoungPerson && parental;
    } catch (BaseServerResponseException e) {
      return false;
    }
  }

  /** A care relationship: the young person's GP practice, or a service on one of their Tasks. */
  private boolean caresFor(Recipient recorder, String patientId) {
    try {
      Patient patient =
          (Patient)
              daoRegistry
                  .getResourceDao(Patient.class)
                  .read(new IdType(patientId), new SystemRequestDetails());
      if (patient.getGeneralPractitioner().stream()
          .anyMatch(gp -> organisations.names(gp, recorder.odsCode()))) {
        return true;
      }
    } catch (BaseServerResponseException e) {
      return false;
    }
    SearchParameterMap theirTasks =
        SearchParameterMap.newSynchronous(Task.SP_PATIENT, new ReferenceParam(patientId));
    return daoRegistry
        .getResourceDao(Task.class)
        .search(theirTasks, new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(Task.class::cast)
        .anyMatch(task -> tasks.involves(task, recorder.odsCode()));
  }

  private void refuseSelfGrant(Consent consent, String ods, Optional<Recipient> recorder) {
    List<Recipient> selves = new ArrayList<>();
    recorder.ifPresent(selves::add);
    recorder.ifPresent(
        organisation ->
            directory.ofOrganisation(organisation.organisation()).stream()
                .map(recipients::of)
                .forEach(selves::add));
    for (ProvisionComponent permit : permits(consent.getProvision())) {
      if (!permit.hasActor()) {
        refuse(
            "Only the young person's CAMHS or GP (gateway.consent.recording) may record a permit"
                + " that names no recipient: it would release the records to "
                + ods
                + " too");
      }
      for (Consent.provisionActorComponent actor : permit.getActor()) {
        boolean self =
            organisations.names(actor.getReference(), ods)
                || selves.stream().anyMatch(me -> ConsentRules.actorIs(actor.getReference(), me));
        if (self) {
          refuse(
              "A partner cannot record a Consent that permits sharing with itself ("
                  + ods
                  + "): the young person's CAMHS or GP, or the gateway operator, records it");
        }
      }
    }
  }

  /**
   * The provisions that may permit: typed permits, and untyped ones (read as permits here, the
   * stricter reading).
   */
  private static List<ProvisionComponent> permits(ProvisionComponent provision) {
    List<ProvisionComponent> found = new ArrayList<>();
    if (!provision.hasType() || provision.getType() == ConsentProvisionType.PERMIT) {
      found.add(provision);
    }
    provision.getProvision().forEach(nested -> found.addAll(permits(nested)));
    return found;
  }

  private static UnprocessableEntityException unprocessable(String reason, String expression) {
    return Refusal.businessRule(reason, expression);
  }

  private static void refuse(String reason) {
    throw Refusal.forbidden(reason, "Consent.provision");
  }
}
