package org.cypmh.routes.delivery;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DeliveryPlan;
import org.cypmh.routes.api.ExchangeAudit;
import org.cypmh.routes.api.TaskOutputs;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * What the referrer and the audit trail learn from routing and delivery: the referral's tracking
 * Task moves on, and every attempt and dead letter leaves an audit record. Runs inside the
 * transaction that changes the delivery, so the three never disagree. (Consent decisions are
 * recorded by the consent service, routing decisions by the outbox.)
 */
@Component
public class DeliveryFeedback {

  /** The gateway acting on its routes, as the requesting agent of what it sends. */
  private final DaoRegistry daoRegistry;

  private final ExchangeAudit audit;
  private final Clock clock;
  private final WrittenTasks writtenTasks;

  DeliveryFeedback(
      DaoRegistry daoRegistry, ExchangeAudit audit, Clock clock, WrittenTasks writtenTasks) {
    this.daoRegistry = daoRegistry;
    this.audit = audit;
    this.clock = clock;
    this.writtenTasks = writtenTasks;
  }

  /** After routing: what the referrer sees while deliveries are under way. */
  public void routed(String taskId, String businessStatus) {
    updateTask(taskId, task -> tell(task, businessStatus));
  }

  void delivered(Delivery delivery) {
    updateTask(
        delivery.task(),
        task -> {
          if (task.getStatus() == Task.TaskStatus.REQUESTED) {
            task.setStatus(Task.TaskStatus.RECEIVED);
          }
          tell(task, "delivered to " + delivery.service());
          task.addOutput()
              .setType(
                  new CodeableConcept(
                      new Coding(TaskOutputs.OUTPUT_TYPE_SYSTEM, TaskOutputs.DELIVERED_TO, null)))
              .setValue(new Reference(delivery.service()));
          if (delivery.redacted() > 0) {
            task.addNote()
                .setTime(Date.from(clock.instant()))
                .setText(
                    delivery.redacted()
                        + " restricted resource(s) withheld from "
                        + delivery.service()
                        + ": the service is not cleared for restricted information");
          }
        });
  }

  /** Consent kept a delivery back: the referrer sees why, and waits or acts. */
  void withheld(Delivery delivery, ConsentDecision decision) {
    updateTask(
        delivery.task(),
        task ->
            tell(
                task,
                decision.awaitingConsent()
                    ? "awaiting consent"
                    : "not shared with " + delivery.service() + ": " + decision.reason()));
  }

  void dead(Delivery delivery) {
    updateTask(
        delivery.task(),
        task ->
            tell(
                task,
                "delivery to "
                    + delivery.service()
                    + " failed; the gateway's operators have been alerted"));
    audit.deadLettered(facts(delivery), "gave up: " + delivery.lastError());
  }

  /**
   * What the gateway says about delivery is news to the referrer only until the receiving service
   * has answered or the referrer has cancelled: a service's answer can reach us before its
   * acknowledgement of our delivery does, and must not be overwritten by "delivered to ...". Once
   * the Task has moved on, the gateway's account goes into a note instead, so nothing is lost.
   */
  private void tell(Task task, String businessStatus) {
    if (ReferralTaskProgress.answeredOrClosed(task)) {
      task.addNote().setTime(Date.from(clock.instant())).setText(businessStatus);
    } else {
      task.getBusinessStatus().setText(businessStatus);
    }
  }

  /**
   * Change and write back the Task, conditional on the version changed: its id carries the version,
   * and HAPI refuses to update any other version with a {@code ResourceVersionConflictException}.
   * The Task is the one this node last wrote ({@link WrittenTasks}), or else read from the
   * database. {@code Deliveries} runs this inside a transaction it retries on that conflict, and
   * the retry reads, so a change is always decided from the Task as it is when it is written.
   */
  private void updateTask(String taskId, Consumer<Task> change) {
    if (taskId == null) {
      return;
    }
    IFhirResourceDao<Task> dao = daoRegistry.getResourceDao(Task.class);
    Task task =
        writtenTasks
            .take(taskId)
            .orElseGet(
                () -> dao.read(new IdType(taskId).toVersionless(), new SystemRequestDetails()));
    change.accept(task);
    task.setLastModified(Date.from(clock.instant()));
    task.setId(dao.update(task, new SystemRequestDetails()).getId());
    writtenTasks.written(task);
  }

  /**
   * What routing decided for one outbox event: where the referral goes (each destination with the
   * route that chose it and the consent outcome), or that it waits for a person.
   */
  public void decided(
      String event, String focus, String task, String patient, List<? extends DeliveryPlan> plans) {
    audit.routingDecided(event, focus, task, patient, plans);
  }

  /** One HTTP exchange with a partner, whatever its outcome: what left, to whom, and the answer. */
  void attempted(Delivery delivery, PartnerResponse response, String address) {
    ExchangeAudit.AttemptOutcome outcome =
        response.accepted()
            ? ExchangeAudit.AttemptOutcome.ACCEPTED
            : response.httpStatus() == null || response.retryable()
                ? ExchangeAudit.AttemptOutcome.FAILED_WILL_RETRY
                : ExchangeAudit.AttemptOutcome.REFUSED;
    audit.deliveryAttempted(
        facts(delivery),
        outcome,
        "attempt " + delivery.attempts() + ": " + response.summary(),
        address);
  }

  private static ExchangeAudit.DeliveryFacts facts(Delivery delivery) {
    return new ExchangeAudit.DeliveryFacts(
        delivery.id(),
        delivery.serviceId(),
        delivery.service(),
        delivery.patient(),
        delivery.focus(),
        delivery.task(),
        delivery.consentRule(),
        delivery.redacted(),
        delivery.attempts());
  }
}
