package org.cypmh.gateway.measures;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.cypmh.routes.api.TaskOutputs;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** Which stored change sets which milestone (the table in the package README). */
class MilestoneRulesTest {

  private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  private static final Function<Reference, String> ODS =
      r -> "HealthcareService/camhs-eating-disorders".equals(r.getReference()) ? "RXY" : null;

  @Test
  void theTrackingTaskCreatedOnIntakeIsReceivedAtItsAuthoredTime() {
    Task task = task();

    List<MilestoneFact> facts = MilestoneRules.of(null, task, null, ODS, NOW);

    assertThat(facts)
        .containsExactly(
            new MilestoneFact(
                "ServiceRequest/1",
                "Patient/2",
                Milestone.RECEIVED,
                Instant.parse("2026-11-02T09:00:00Z"),
                null,
                null,
                "Task/3/_history/1 created"));
  }

  @Test
  void aDeliveredToOutputIsRoutedAndDeliveredAtTheServicesProvider() {
    Task before = task();
    Task after = task();
    after.getIdElement().setValue("Task/3/_history/2");
    after.getBusinessStatus().setText("delivered to HealthcareService/camhs-eating-disorders");
    after
        .addOutput()
        .setType(
            new CodeableConcept(new Coding(TaskOutputs.OUTPUT_TYPE_SYSTEM, "delivered-to", null)))
        .setValue(new Reference("HealthcareService/camhs-eating-disorders"));

    List<MilestoneFact> facts = MilestoneRules.of(before, after, null, ODS, NOW);

    assertThat(facts)
        .extracting(
            MilestoneFact::milestone,
            MilestoneFact::occurredAt,
            MilestoneFact::provider,
            MilestoneFact::service)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Milestone.ROUTED, NOW, null, null),
            org.assertj.core.groups.Tuple.tuple(
                Milestone.DELIVERED, NOW, "RXY", "HealthcareService/camhs-eating-disorders"));
    // Saved again unchanged: nothing new.
    assertThat(MilestoneRules.of(after, after.copy(), null, ODS, NOW)).isEmpty();
  }

  @Test
  void consentHoldIsRecordedOnceWhenTheTaskFirstSaysAwaitingConsent() {
    Task before = task();
    Task after = task();
    after.getBusinessStatus().setText("awaiting consent");

    assertThat(MilestoneRules.of(before, after, null, ODS, NOW))
        .extracting(MilestoneFact::milestone)
        .containsExactly(Milestone.ROUTED, Milestone.HELD_FOR_CONSENT);
    assertThat(MilestoneRules.of(after, after.copy(), null, ODS, NOW)).isEmpty();
  }

  @Test
  void theServicesAnswerSetsAcceptedDischargedOrClosedAtItsOwnTimeByTheCallingProvider() {
    Task received = task();
    received.setStatus(Task.TaskStatus.RECEIVED);
    Task accepted = received.copy();
    accepted.setStatus(Task.TaskStatus.ACCEPTED);
    accepted.setLastModified(Date.from(Instant.parse("2026-11-05T12:00:00Z")));
    Task inProgress = accepted.copy();
    inProgress.setStatus(Task.TaskStatus.INPROGRESS);
    Task completed = inProgress.copy();
    completed.setStatus(Task.TaskStatus.COMPLETED);
    // A time in the future is not believed: the gateway's own time is used.
    completed.setLastModified(Date.from(NOW.plusSeconds(3600)));
    Task rejected = received.copy();
    rejected.setStatus(Task.TaskStatus.REJECTED);

    assertThat(MilestoneRules.of(received, accepted, "RXY", ODS, NOW))
        .extracting(MilestoneFact::milestone, MilestoneFact::occurredAt, MilestoneFact::provider)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Milestone.ACCEPTED, Instant.parse("2026-11-05T12:00:00Z"), "RXY"));
    assertThat(MilestoneRules.of(accepted, inProgress, "RXY", ODS, NOW)).isEmpty();
    assertThat(MilestoneRules.of(inProgress, completed, "RXY", ODS, NOW))
        .extracting(MilestoneFact::milestone, MilestoneFact::occurredAt)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Milestone.DISCHARGED, NOW));
    assertThat(MilestoneRules.of(received, rejected, "RXY", ODS, NOW))
        .extracting(MilestoneFact::milestone)
        .containsExactly(Milestone.CLOSED);
  }

  @Test
  void aMilestoneCodeInBusinessStatusReportsFirstContactOrTreatment() {
    Task before = task();
    before.setStatus(Task.TaskStatus.INPROGRESS);
    Task after = before.copy();
    after.setLastModified(Date.from(Instant.parse("2026-11-09T15:00:00Z")));
    after
        .getBusinessStatus()
        .addCoding(new Coding(MilestoneRules.MILESTONE_SYSTEM, "first-contact", null))
        .addCoding(new Coding(MilestoneRules.MILESTONE_SYSTEM, "treatment-started", null))
        .addCoding(new Coding(MilestoneRules.MILESTONE_SYSTEM, "not-a-milestone", null));

    assertThat(MilestoneRules.of(before, after, "RXY", ODS, NOW))
        .extracting(MilestoneFact::milestone, MilestoneFact::occurredAt, MilestoneFact::provider)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Milestone.CONTACT, Instant.parse("2026-11-09T15:00:00Z"), "RXY"),
            org.assertj.core.groups.Tuple.tuple(
                Milestone.TREATMENT_STARTED, Instant.parse("2026-11-09T15:00:00Z"), "RXY"));
  }

  @Test
  void anAttendedEncounterBasedOnTheReferralIsAContactAtItsStart() {
    Encounter planned = new Encounter();
    planned.setId("Encounter/8/_history/1");
    planned.setStatus(Encounter.EncounterStatus.PLANNED);
    planned.setSubject(new Reference("Patient/2"));
    planned.addBasedOn(new Reference("ServiceRequest/1"));
    planned.setServiceProvider(new Reference("HealthcareService/camhs-eating-disorders"));
    planned.getPeriod().setStart(Date.from(Instant.parse("2026-11-10T14:00:00Z")));
    Encounter finished = planned.copy();
    finished.setId("Encounter/8/_history/2");
    finished.setStatus(Encounter.EncounterStatus.FINISHED);

    assertThat(MilestoneRules.of(null, planned, "RXY", ODS, NOW)).isEmpty();
    assertThat(MilestoneRules.of(planned, finished, null, ODS, NOW))
        .containsExactly(
            new MilestoneFact(
                "ServiceRequest/1",
                "Patient/2",
                Milestone.CONTACT,
                Instant.parse("2026-11-10T14:00:00Z"),
                "RXY",
                null,
                "Encounter/8/_history/2 finished"));
    assertThat(MilestoneRules.of(finished, finished.copy(), null, ODS, NOW)).isEmpty();
  }

  @Test
  void aPerformedProcedureIsAContactAndTheStartOfTreatment() {
    Procedure procedure = new Procedure();
    procedure.setId("Procedure/9/_history/1");
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setSubject(new Reference("Patient/2"));
    procedure.addBasedOn(new Reference("ServiceRequest/1"));
    procedure.setPerformed(new org.hl7.fhir.r4.model.DateTimeType("2026-11-12T11:00:00Z"));

    assertThat(MilestoneRules.of(null, procedure, "8ZZ02", ODS, NOW))
        .extracting(MilestoneFact::milestone, MilestoneFact::occurredAt, MilestoneFact::provider)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                Milestone.CONTACT, Instant.parse("2026-11-12T11:00:00Z"), "8ZZ02"),
            org.assertj.core.groups.Tuple.tuple(
                Milestone.TREATMENT_STARTED, Instant.parse("2026-11-12T11:00:00Z"), "8ZZ02"));
  }

  private static Task task() {
    Task task = new Task();
    task.setId("Task/3/_history/1");
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setFocus(new Reference("ServiceRequest/1"));
    task.setFor(new Reference("Patient/2"));
    task.setAuthoredOn(Date.from(Instant.parse("2026-11-02T09:00:00Z")));
    task.getBusinessStatus().setText("received by the gateway, awaiting routing");
    return task;
  }
}
