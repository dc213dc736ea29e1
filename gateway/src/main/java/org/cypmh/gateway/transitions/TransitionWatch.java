package org.cypmh.gateway.transitions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.CamhsServices;
import org.cypmh.routes.api.DeliveredReferral;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.England;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Finds the young people with an open CAMHS referral who are due for transition planning (or are 18
 * and overdue) and gives the CAMHS transitions team of the service that has them a Task: one per
 * young person, whatever how many runs or nodes look, because the Task is a conditional create on
 * an identifier made from the young person.
 */
@Component
public class TransitionWatch {

  public static final String TASK_SYSTEM = "https://cypmh-gateway.org/fhir/Id/transition-task";
  static final String TRANSITIONS_TEAM = "camhs-transitions";

  private static final Logger log = LoggerFactory.getLogger(TransitionWatch.class);
  private static final Set<ServiceRequestStatus> OPEN =
      Set.of(ServiceRequestStatus.ACTIVE, ServiceRequestStatus.ONHOLD, ServiceRequestStatus.DRAFT);

  private final DeliveryRecords deliveries;
  private final ServiceDirectory directory;
  private final CamhsServices camhs;
  private final DaoRegistry daoRegistry;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final TransitionProperties settings;

  TransitionWatch(
      DeliveryRecords deliveries,
      ServiceDirectory directory,
      CamhsServices camhs,
      DaoRegistry daoRegistry,
      PlatformTransactionManager transactionManager,
      Clock clock,
      TransitionProperties settings) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.camhs = camhs;
    this.daoRegistry = daoRegistry;
    this.transaction = new TransactionTemplate(transactionManager);
    this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.clock = clock;
    this.settings = settings;
  }

  /** What one run found and did. */
  public record Outcome(int due, int overdue, int created, int flaggedOverdue) {}

  public Outcome run() {
    LocalDate today = LocalDate.now(clock.withZone(England.ZONE));
    Map<String, Candidate> candidates = new LinkedHashMap<>();
    for (DeliveredReferral delivered : deliveries.deliveredReferrals()) {
      Optional<DirectoryService> service = directory.byId(delivered.serviceId());
      if (service.isPresent() && camhs.isCamhs(service.get()) && delivered.patient() != null) {
        candidates.put(
            delivered.patient(),
            new Candidate(delivered.patient(), delivered.referral(), service.get()));
      }
    }
    int due = 0;
    int overdue = 0;
    int created = 0;
    int flagged = 0;
    for (Candidate candidate : candidates.values()) {
      try {
        Step step = transaction.execute(tx -> watch(candidate, today));
        due += step.age() == TransitionAge.DUE ? 1 : 0;
        overdue += step.age() == TransitionAge.OVERDUE ? 1 : 0;
        created += step.created() ? 1 : 0;
        flagged += step.flagged() ? 1 : 0;
      } catch (ResourceVersionConflictException | DataIntegrityViolationException e) {
        // Another node (or run) created this young person's Task at the same moment: it exists.
        log.info(
            "Transition Task created concurrently elsewhere: {}", e.getClass().getSimpleName());
      }
    }
    return new Outcome(due, overdue, created, flagged);
  }

  private record Candidate(String patient, String referral, DirectoryService service) {}

  private record Step(TransitionAge age, boolean created, boolean flagged) {}

  private Step watch(Candidate candidate, LocalDate today) {
    ServiceRequest referral =
        daoRegistry
            .getResourceDao(ServiceRequest.class)
            .read(new IdType(candidate.referral()), new SystemRequestDetails());
    Patient patient =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(new IdType(candidate.patient()), new SystemRequestDetails());
    if (!OPEN.contains(referral.getStatus()) || !patient.hasBirthDate()) {
      return new Step(TransitionAge.NOT_YET, false, false);
    }
    // The calendar day as written, whatever the JVM's time zone (a DateType has no zone).
    DateType birth = patient.getBirthDateElement();
    LocalDate born = LocalDate.of(birth.getYear(), birth.getMonth() + 1, birth.getDay());
    TransitionAge age = TransitionAge.of(born, today, settings.horizon());
    if (age == TransitionAge.NOT_YET) {
      return new Step(age, false, false);
    }
    IFhirResourceDao<Task> tasks = daoRegistry.getResourceDao(Task.class);
    Optional<Task> existing = existingTask(candidate.patient());
    if (existing.isEmpty()) {
      boolean created =
          Boolean.TRUE.equals(
              tasks
                  .create(
                      task(candidate, born, age),
                      "Task?identifier=" + TASK_SYSTEM + "|" + candidate.patient(),
                      new SystemRequestDetails())
                  .getCreated());
      return new Step(age, created, false);
    }
    Task task = existing.get();
    boolean open =
        task.getStatus() == Task.TaskStatus.REQUESTED
            || task.getStatus() == Task.TaskStatus.RECEIVED
            || task.getStatus() == Task.TaskStatus.ACCEPTED
            || task.getStatus() == Task.TaskStatus.INPROGRESS;
    if (age == TransitionAge.OVERDUE && open && task.getPriority() != Task.TaskPriority.URGENT) {
      task.setPriority(Task.TaskPriority.URGENT);
      task.getBusinessStatus().setText(overdueStatus(born));
      task.setLastModified(Date.from(clock.instant()));
      tasks.update(task, new SystemRequestDetails());
      return new Step(age, false, true);
    }
    return new Step(age, false, false);
  }

  private Optional<Task> existingTask(String patient) {
    return daoRegistry
        .getResourceDao(Task.class)
        .search(
            SearchParameterMap.newSynchronous(
                Task.SP_IDENTIFIER, new TokenParam(TASK_SYSTEM, patient)),
            new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(Task.class::cast)
        .findFirst();
  }

  private Task task(Candidate candidate, LocalDate born, TransitionAge age) {
    DirectoryService owner =
        directory.ofOrganisation(candidate.service().organization()).stream()
            .filter(s -> s.types().contains(TRANSITIONS_TEAM))
            .findFirst()
            .orElse(candidate.service());
    Task task = new Task();
    task.addIdentifier(new Identifier().setSystem(TASK_SYSTEM).setValue(candidate.patient()));
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setPriority(
        age == TransitionAge.OVERDUE ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
    task.getCode().setText("Plan the transition to adult services with the young person");
    task.setFor(new Reference(candidate.patient()));
    task.setFocus(new Reference(candidate.referral()));
    task.setRequester(new Reference(candidate.service().organization()));
    task.setOwner(new Reference(owner.resourceId()).setDisplay(owner.name()));
    task.setExecutionPeriod(
        new Period()
            .setStart(date(TransitionAge.pathwayStart(born)))
            .setEnd(date(TransitionAge.adulthood(born))));
    task.setAuthoredOn(Date.from(clock.instant()));
    task.setLastModified(Date.from(clock.instant()));
    task.getBusinessStatus()
        .setText(
            age == TransitionAge.OVERDUE
                ? overdueStatus(born)
                : "transition planning due: the pathway starts at 17 years 6 months ("
                    + TransitionAge.pathwayStart(born)
                    + ")");
    return task;
  }

  private static String overdueStatus(LocalDate born) {
    return "overdue: 18 since " + TransitionAge.adulthood(born) + " and still with CAMHS";
  }

  private static Date date(LocalDate day) {
    return Date.from(day.atStartOfDay(England.ZONE).toInstant());
  }
}
