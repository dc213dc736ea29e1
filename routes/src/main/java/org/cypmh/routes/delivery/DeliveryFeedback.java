package org.cypmh.routes.delivery;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.Date;
import java.util.function.Consumer;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.directory.ServiceDirectory;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * What the referrer and the audit trail learn from routing and delivery: the referral's tracking
 * Task moves on, and every outcome leaves an AuditEvent. Runs inside the transaction that changes
 * the delivery, so the three never disagree.
 */
@Component
public class DeliveryFeedback {

  static final String OUTPUT_TYPE_SYSTEM = "https://cypmh-gateway.org/fhir/CodeSystem/task-output";
  private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";

  private final DaoRegistry daoRegistry;
  private final Clock clock;

  DeliveryFeedback(DaoRegistry daoRegistry, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.clock = clock;
  }

  /** After routing: what the referrer sees while deliveries are under way. */
  public void routed(String taskId, String businessStatus) {
    updateTask(taskId, task -> task.getBusinessStatus().setText(businessStatus));
  }

  void delivered(Delivery delivery) {
    updateTask(
        delivery.task(),
        task -> {
          if (task.getStatus() == Task.TaskStatus.REQUESTED) {
            task.setStatus(Task.TaskStatus.RECEIVED);
          }
          task.getBusinessStatus().setText("delivered to " + delivery.service());
          task.addOutput()
              .setType(new CodeableConcept(new Coding(OUTPUT_TYPE_SYSTEM, "delivered-to", null)))
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
    audit(
        delivery,
        AuditEventOutcome._0,
        delivery.redacted() > 0
            ? "delivered without " + delivery.redacted() + " restricted resource(s)"
            : "delivered");
  }

  /** Consent kept a delivery back: the referrer sees why, and waits or acts. */
  void withheld(Delivery delivery, ConsentDecision decision) {
    updateTask(
        delivery.task(),
        task ->
            task.getBusinessStatus()
                .setText(
                    decision.awaitingConsent()
                        ? "awaiting consent"
                        : "not shared with " + delivery.service() + ": " + decision.reason()));
    audit(delivery, AuditEventOutcome._4, "withheld: " + decision.rule());
  }

  void dead(Delivery delivery) {
    updateTask(
        delivery.task(),
        task ->
            task.getBusinessStatus()
                .setText(
                    "delivery to "
                        + delivery.service()
                        + " failed; the gateway's operators have been alerted"));
    audit(delivery, AuditEventOutcome._8, "dead letter: " + delivery.lastError());
  }

  private void updateTask(String taskId, Consumer<Task> change) {
    if (taskId == null) {
      return;
    }
    IFhirResourceDao<Task> dao = daoRegistry.getResourceDao(Task.class);
    Task task = dao.read(new IdType(taskId), new SystemRequestDetails());
    change.accept(task);
    task.setLastModified(Date.from(clock.instant()));
    dao.update(task, new SystemRequestDetails());
  }

  private void audit(Delivery delivery, AuditEventOutcome outcome, String description) {
    AuditEvent event = new AuditEvent();
    event.setType(new Coding(DICOM, "110106", "Export"));
    event.setAction(AuditEventAction.C);
    event.setRecorded(Date.from(clock.instant()));
    event.setOutcome(outcome);
    event.setOutcomeDesc(description);
    // agent.who cannot be a HealthcareService in R4: name the destination by its identifier.
    event
        .addAgent()
        .setRequestor(false)
        .setWho(
            new Reference()
                .setIdentifier(
                    new Identifier()
                        .setSystem(ServiceDirectory.SERVICE_ID_SYSTEM)
                        .setValue(delivery.serviceId()))
                .setDisplay(delivery.service()));
    event.getSource().setObserver(new Reference().setDisplay("CYPMH gateway"));
    event.addEntity().setWhat(new Reference(delivery.focus()));
    if (delivery.task() != null) {
      event.addEntity().setWhat(new Reference(delivery.task()));
    }
    daoRegistry.getResourceDao(AuditEvent.class).create(event, new SystemRequestDetails());
  }
}
