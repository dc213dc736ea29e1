package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.Outbox;
import org.cypmh.routes.api.OutboxEventType;
import org.cypmh.routes.api.OutboxMessage;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * On every stored referral, in the same database transaction: a tracking Task the referrer can
 * follow, and an outbox event for the routing engine. An update of the referral is an event too; a
 * cancellation (revoked, entered-in-error) also cancels the Task.
 */
@Component
class ReferralTracking implements FhirServerInterceptor {

  static final String TASK_PROFILE =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-referral-task";

  /** Task.code.text of a referral sent as a BaRS validation request. */
  static final String VALIDATION_REQUEST = "BaRS validation request";

  /** RequestDetails user data: referral id to tracking Task id, for the response. */
  static final String TASKS_BY_REFERRAL = ReferralTracking.class.getName() + ".tasks";

  private static final Set<ServiceRequestStatus> CANCELLED =
      Set.of(ServiceRequestStatus.REVOKED, ServiceRequestStatus.ENTEREDINERROR);

  private final DaoRegistry daoRegistry;
  private final Clock clock;
  // Off only in the benchmark's bare-HAPI comparison: nothing would route the events.
  private final boolean routing;

  private final NhsNumberTrace trace;
  private final ReferralMetrics metrics;

  private final Outbox outbox;

  ReferralTracking(
      Outbox outbox,
      DaoRegistry daoRegistry,
      Clock clock,
      RoutesProperties routes,
      NhsNumberTrace trace,
      ReferralMetrics metrics) {
    this.outbox = outbox;
    this.daoRegistry = daoRegistry;
    this.clock = clock;
    this.routing = routes.enabled();
    this.trace = trace;
    this.metrics = metrics;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
    if (!routing || !(resource instanceof ServiceRequest referral)) {
      return;
    }
    Task task = trackingTask(referral, transaction);
    task.setId(taskDao().create(task, new SystemRequestDetails()).getId());
    String taskId = task.getIdElement().toUnqualifiedVersionless().getValue();
    outbox.publish(
        OutboxMessage.of(OutboxEventType.REFERRAL_ACCEPTED, versioned(referral), clock.instant())
            .tracking(taskId)
            .targetedAt(BarsHeaders.targetService(request)),
        referral,
        task);
    remember(request, referral, taskId);
    metrics.received(request, "accepted");
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current, RequestDetails request) {
    if (!routing || !(current instanceof ServiceRequest referral)) {
      return;
    }
    boolean cancelled =
        CANCELLED.contains(referral.getStatus())
            && !CANCELLED.contains(((ServiceRequest) previous).getStatus());
    Optional<Task> task = trackingTaskOf(referral);
    if (cancelled) {
      task.ifPresent(this::cancel);
    }
    String taskId =
        task.map(t -> t.getIdElement().toUnqualifiedVersionless().getValue()).orElse(null);
    outbox.publish(
        OutboxMessage.of(
                cancelled ? OutboxEventType.REFERRAL_CANCELLED : OutboxEventType.REFERRAL_UPDATED,
                versioned(referral),
                clock.instant())
            .tracking(taskId));
    remember(request, referral, taskId);
    metrics.received(request, cancelled ? "cancelled" : "updated");
  }

  /** The tracking Task of a stored referral, if it has one. */
  Optional<Task> trackingTaskOf(ServiceRequest referral) {
    SearchParameterMap byFocus =
        SearchParameterMap.newSynchronous(
            Task.SP_FOCUS,
            new ReferenceParam(referral.getIdElement().toUnqualifiedVersionless().getValue()));
    List<IBaseResource> found =
        taskDao().search(byFocus, new SystemRequestDetails()).getAllResources();
    return found.stream().map(Task.class::cast).findFirst();
  }

  private Task trackingTask(ServiceRequest referral, TransactionDetails transaction) {
    Task task = new Task();
    task.getMeta().addProfile(TASK_PROFILE);
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setPriority(
        Task.TaskPriority.fromCode(
            referral.hasPriority() ? referral.getPriority().toCode() : "routine"));
    task.setFocus(new Reference(referral.getIdElement().toUnqualifiedVersionless().getValue()));
    task.setFor(referral.getSubject().copy());
    task.setRequester(referral.getRequester().copy());
    task.setAuthoredOn(Date.from(clock.instant()));
    task.setLastModified(Date.from(clock.instant()));
    task.getBusinessStatus().setText("received by the gateway, awaiting routing");
    // A BaRS validation request asks the service to validate (e.g. an ambulance disposition), not
    // to take the young person on: whoever follows the Task must see that.
    if (BarsOrigin.of(referral).filter(BarsOrigin::validation).isPresent()) {
      task.getCode().setText(VALIDATION_REQUEST);
      task.getBusinessStatus()
          .setText("validation request received by the gateway, awaiting routing");
    }
    if (trace.awaitsTrace(referral.getSubject(), transaction)) {
      // Kept as an input, not in businessStatus, which routing rewrites at every step.
      NhsNumberTrace.markAwaitingTrace(task);
    }
    return task;
  }

  private void cancel(Task task) {
    task.setStatus(Task.TaskStatus.CANCELLED);
    task.getBusinessStatus().setText("cancelled by the referrer");
    task.setLastModified(Date.from(clock.instant()));
    taskDao().update(task, new SystemRequestDetails());
  }

  @SuppressWarnings("unchecked")
  private static void remember(RequestDetails request, ServiceRequest referral, String taskId) {
    if (request == null || taskId == null) {
      return;
    }
    ((Map<String, String>)
            request
                .getUserData()
                .computeIfAbsent(TASKS_BY_REFERRAL, k -> new HashMap<String, String>()))
        .put(referral.getIdElement().toUnqualifiedVersionless().getValue(), taskId);
  }

  private static String versioned(ServiceRequest referral) {
    return referral.getIdElement().toUnqualified().getValue();
  }

  @SuppressWarnings("unchecked")
  private IFhirResourceDao<Task> taskDao() {
    return daoRegistry.getResourceDao(Task.class);
  }
}
