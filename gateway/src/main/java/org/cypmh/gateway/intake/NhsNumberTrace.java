package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Young people referred before they have an NHS number (newly arrived, not yet traced).
 *
 * <p>While the subject of a referral has no NHS number, its tracking Task carries the input {@value
 * #AWAITING_TRACE} (routing and consent work by the gateway's own Patient id meanwhile). When an
 * update of the Patient adds the number: if no other Patient has it, the same Patient simply gains
 * it; if another already has it, the two are linked the way HAPI's MDM links duplicates (this one
 * {@code replaced-by} the existing one, which {@code replaces} it). Either way the marker is
 * removed from that young person's open Tasks, in the same transaction.
 */
@Component
class NhsNumberTrace implements FhirServerInterceptor {

  static final String AWAITING_TRACE = "awaiting NHS number trace";

  private static final Set<Task.TaskStatus> CLOSED =
      Set.of(
          Task.TaskStatus.COMPLETED,
          Task.TaskStatus.CANCELLED,
          Task.TaskStatus.FAILED,
          Task.TaskStatus.ENTEREDINERROR);

  private final DaoRegistry daoRegistry;
  private final Clock clock;

  NhsNumberTrace(DaoRegistry daoRegistry, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.clock = clock;
  }

  static Optional<String> nhsNumber(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()) && i.hasValue())
        .map(Identifier::getValue)
        .findFirst();
  }

  /**
   * Whether a referral's subject is a stored Patient without an NHS number. A Patient written in
   * the same FHIR transaction (the usual referral Bundle) is taken from HAPI's record of that
   * transaction, not read back from the database (issue 25: that read was 1 % of intake's CPU).
   */
  boolean awaitsTrace(Reference subject, TransactionDetails transaction) {
    if (subject == null || !subject.hasReference()) {
      return false;
    }
    IdType id = new IdType(subject.getReference());
    if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart()) {
      return false;
    }
    IdType patientId = id.toUnqualifiedVersionless();
    if (transaction != null
        && transaction.getResolvedResource(patientId) instanceof Patient inTransaction) {
      return nhsNumber(inTransaction).isEmpty();
    }
    try {
      Patient patient = patientDao().read(patientId, new SystemRequestDetails());
      return nhsNumber(patient).isEmpty();
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      // Not the gateway's to decide here: the referral's own checks deal with a missing subject.
      return false;
    }
  }

  /** Marks a new tracking Task (not yet stored) of a young person awaiting a trace. */
  static void markAwaitingTrace(Task task) {
    task.addInput()
        .setValue(
            new StringType(
                "The young person has no NHS number yet; the gateway routes by its own Patient"
                    + " id until one is added."))
        .getType()
        .setText(AWAITING_TRACE);
  }

  static boolean isAwaitingTrace(Task task) {
    return task.getInput().stream().anyMatch(i -> AWAITING_TRACE.equals(i.getType().getText()));
  }

  /** Before the update is stored: a traced number another Patient already has links the two. */
  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  void linkDuplicate(IBaseResource previous, IBaseResource current) {
    if (!(current instanceof Patient traced) || !gainsNhsNumber(previous, traced)) {
      return;
    }
    String self = traced.getIdElement().toUnqualifiedVersionless().getValue();
    otherPatientWith(nhsNumber(traced).orElseThrow(), self)
        .ifPresent(
            existing -> {
              String existingId = existing.getIdElement().toUnqualifiedVersionless().getValue();
              // Idempotent: a write retried after a conflict runs this hook again on the same
              // resource, and the existing record may already name this one.
              if (!links(traced, Patient.LinkType.REPLACEDBY, existingId)) {
                traced
                    .addLink()
                    .setType(Patient.LinkType.REPLACEDBY)
                    .setOther(new Reference(existingId));
              }
              if (!links(existing, Patient.LinkType.REPLACES, self)) {
                existing.addLink().setType(Patient.LinkType.REPLACES).setOther(new Reference(self));
                existing.setId(existing.getIdElement().toUnqualifiedVersionless());
                patientDao().update(existing, new SystemRequestDetails());
              }
            });
  }

  private static boolean links(Patient patient, Patient.LinkType type, String other) {
    return patient.getLink().stream()
        .anyMatch(l -> l.getType() == type && other.equals(l.getOther().getReference()));
  }

  /** In the update's transaction: the young person's open Tasks no longer await a trace. */
  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void clearAwaitingTrace(IBaseResource previous, IBaseResource current) {
    if (!(current instanceof Patient traced) || !gainsNhsNumber(previous, traced)) {
      return;
    }
    SearchParameterMap byPatient =
        SearchParameterMap.newSynchronous(
            Task.SP_PATIENT,
            new ReferenceParam(traced.getIdElement().toUnqualifiedVersionless().getValue()));
    for (IBaseResource found :
        taskDao().search(byPatient, new SystemRequestDetails()).getAllResources()) {
      Task task = (Task) found;
      if (CLOSED.contains(task.getStatus()) || !isAwaitingTrace(task)) {
        continue;
      }
      // Re-read and updated by versionless id: routing may have moved the Task on since the
      // search; the database's optimistic lock still refuses a change made in between.
      IdType id = task.getIdElement().toUnqualifiedVersionless();
      Task latest = taskDao().read(id, new SystemRequestDetails());
      latest.getInput().removeIf(i -> AWAITING_TRACE.equals(i.getType().getText()));
      latest.addNote().setText("NHS number traced").setTime(Date.from(clock.instant()));
      latest.setLastModified(Date.from(clock.instant()));
      latest.setId(id);
      taskDao().update(latest, new SystemRequestDetails());
    }
  }

  private static boolean gainsNhsNumber(IBaseResource previous, Patient current) {
    return previous instanceof Patient before
        && nhsNumber(before).isEmpty()
        && nhsNumber(current).isPresent();
  }

  private Optional<Patient> otherPatientWith(String nhsNumber, String self) {
    List<IBaseResource> found =
        patientDao()
            .search(
                SearchParameterMap.newSynchronous(
                    Patient.SP_IDENTIFIER,
                    new TokenParam(ConformancePackage.NHS_NUMBER_SYSTEM, nhsNumber)),
                new SystemRequestDetails())
            .getAllResources();
    return found.stream()
        .map(Patient.class::cast)
        .filter(p -> !self.equals(p.getIdElement().toUnqualifiedVersionless().getValue()))
        .findFirst();
  }

  @SuppressWarnings("unchecked")
  private IFhirResourceDao<Patient> patientDao() {
    return daoRegistry.getResourceDao(Patient.class);
  }

  @SuppressWarnings("unchecked")
  private IFhirResourceDao<Task> taskDao() {
    return daoRegistry.getResourceDao(Task.class);
  }
}
