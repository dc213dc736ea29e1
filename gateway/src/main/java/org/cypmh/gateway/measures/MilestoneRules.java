package org.cypmh.gateway.measures;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cypmh.routes.api.TaskOutputs;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;

/**
 * Which stored change sets which milestone: the one place that reads Tasks, Encounters and
 * Procedures for the measures (the table in this package's README says the same in words). Pure: it
 * compares the resource before and after a change and says what is new, so a Task saved ten times
 * with the same status is one milestone, and a replayed or re-sent change adds nothing.
 */
final class MilestoneRules {

  /** Codes a service may put in {@code Task.businessStatus.coding} to report a milestone. */
  static final String MILESTONE_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/referral-milestone";

  private static final Set<TaskStatus> ACCEPTING =
      Set.of(TaskStatus.ACCEPTED, TaskStatus.INPROGRESS);
  private static final Set<TaskStatus> CLOSING =
      Set.of(TaskStatus.REJECTED, TaskStatus.CANCELLED, TaskStatus.FAILED);
  private static final Set<Encounter.EncounterStatus> ATTENDED =
      Set.of(
          Encounter.EncounterStatus.ARRIVED,
          Encounter.EncounterStatus.INPROGRESS,
          Encounter.EncounterStatus.ONLEAVE,
          Encounter.EncounterStatus.FINISHED);
  private static final Set<Procedure.ProcedureStatus> PERFORMED =
      Set.of(Procedure.ProcedureStatus.INPROGRESS, Procedure.ProcedureStatus.COMPLETED);

  /** Text of the intake's first business status ("... awaiting routing"). */
  private static final String AWAITING_ROUTING = "awaiting routing";

  /** Text the routing engine writes when consent keeps a delivery back. */
  private static final String AWAITING_CONSENT = "awaiting consent";

  private MilestoneRules() {}

  /**
   * @param previous the resource before the change, or null when it is created
   * @param current the resource as stored
   * @param caller ODS code of the partner making the change, or null for the gateway or operator
   * @param odsOf the ODS code of the organisation a reference names, or null
   * @param now when the gateway learnt of it
   */
  static List<MilestoneFact> of(
      Resource previous,
      Resource current,
      String caller,
      Function<Reference, String> odsOf,
      Instant now) {
    if (current instanceof Task task) {
      return ofTask((Task) previous, task, caller, odsOf, now);
    }
    if (current instanceof Encounter encounter) {
      return ofEncounter((Encounter) previous, encounter, caller, odsOf, now);
    }
    if (current instanceof Procedure procedure) {
      return ofProcedure((Procedure) previous, procedure, caller, odsOf, now);
    }
    return List.of();
  }

  private static List<MilestoneFact> ofTask(
      Task before, Task task, String caller, Function<Reference, String> odsOf, Instant now) {
    String referral = referral(task.getFocus());
    if (referral == null) {
      return List.of();
    }
    String patient = patient(task.getFor());
    String source = task.getIdElement().toUnqualified().getValue();
    List<MilestoneFact> facts = new ArrayList<>();
    if (before == null) {
      Instant at = task.hasAuthoredOn() ? task.getAuthoredOn().toInstant() : now;
      facts.add(MilestoneFact.of(referral, patient, Milestone.RECEIVED, at, source + " created"));
      return facts;
    }
    // The gateway's own steps happen now; a service's answer may say when (Task.lastModified).
    Instant reported = reportedAt(task.getLastModified(), now);
    String text = task.getBusinessStatus().getText();
    String textBefore = before.getBusinessStatus().getText();
    if (contains(textBefore, AWAITING_ROUTING) && !contains(text, AWAITING_ROUTING)) {
      facts.add(MilestoneFact.of(referral, patient, Milestone.ROUTED, now, source + " routed"));
    }
    if (contains(text, AWAITING_CONSENT) && !contains(textBefore, AWAITING_CONSENT)) {
      facts.add(
          MilestoneFact.of(
              referral, patient, Milestone.HELD_FOR_CONSENT, now, source + " awaiting consent"));
    }
    Set<String> deliveredBefore = deliveredTo(before);
    for (String service : deliveredTo(task)) {
      if (!deliveredBefore.contains(service)) {
        facts.add(
            MilestoneFact.of(referral, patient, Milestone.DELIVERED, now, source + " delivered-to")
                .at(odsOf.apply(new Reference(service)), service));
      }
    }
    if (task.getStatus() != before.getStatus()) {
      Milestone byStatus =
          ACCEPTING.contains(task.getStatus())
              ? Milestone.ACCEPTED
              : task.getStatus() == TaskStatus.COMPLETED
                  ? Milestone.DISCHARGED
                  : CLOSING.contains(task.getStatus()) ? Milestone.CLOSED : null;
      if (byStatus != null
          && !(byStatus == Milestone.ACCEPTED && ACCEPTING.contains(before.getStatus()))) {
        facts.add(
            MilestoneFact.of(
                    referral,
                    patient,
                    byStatus,
                    reported,
                    source + " status " + task.getStatus().toCode())
                .at(caller, null));
      }
    }
    Set<String> codedBefore = milestoneCodes(before);
    for (String code : milestoneCodes(task)) {
      Milestone coded = codedMilestone(code);
      if (coded != null && !codedBefore.contains(code)) {
        facts.add(
            MilestoneFact.of(referral, patient, coded, reported, source + " businessStatus " + code)
                .at(caller, null));
      }
    }
    return facts;
  }

  private static List<MilestoneFact> ofEncounter(
      Encounter before,
      Encounter encounter,
      String caller,
      Function<Reference, String> odsOf,
      Instant now) {
    boolean attended = ATTENDED.contains(encounter.getStatus());
    if (!attended || (before != null && ATTENDED.contains(before.getStatus()))) {
      return List.of();
    }
    Instant at =
        encounter.getPeriod().hasStart() ? encounter.getPeriod().getStart().toInstant() : now;
    String provider = orElse(odsOf.apply(encounter.getServiceProvider()), caller);
    String referral =
        encounter.getBasedOn().stream()
            .map(MilestoneRules::referral)
            .filter(r -> r != null)
            .findFirst()
            .orElse(null);
    return List.of(
        MilestoneFact.of(
                referral,
                patient(encounter.getSubject()),
                Milestone.CONTACT,
                at,
                encounter.getIdElement().toUnqualified().getValue()
                    + " "
                    + encounter.getStatus().toCode())
            .at(provider, null));
  }

  /** A care activity the service performed: a contact, and the start of treatment. */
  private static List<MilestoneFact> ofProcedure(
      Procedure before,
      Procedure procedure,
      String caller,
      Function<Reference, String> odsOf,
      Instant now) {
    if (!PERFORMED.contains(procedure.getStatus())
        || (before != null && PERFORMED.contains(before.getStatus()))) {
      return List.of();
    }
    Date performed =
        procedure.hasPerformedDateTimeType()
            ? procedure.getPerformedDateTimeType().getValue()
            : procedure.hasPerformedPeriod() ? procedure.getPerformedPeriod().getStart() : null;
    Instant at = performed == null ? now : performed.toInstant();
    String provider =
        procedure.getPerformer().stream()
            .map(p -> orElse(odsOf.apply(p.getActor()), odsOf.apply(p.getOnBehalfOf())))
            .filter(ods -> ods != null)
            .findFirst()
            .orElse(caller);
    String referral =
        procedure.getBasedOn().stream()
            .map(MilestoneRules::referral)
            .filter(r -> r != null)
            .findFirst()
            .orElse(null);
    String patient = patient(procedure.getSubject());
    String source = procedure.getIdElement().toUnqualified().getValue() + " performed";
    return List.of(
        MilestoneFact.of(referral, patient, Milestone.CONTACT, at, source).at(provider, null),
        MilestoneFact.of(referral, patient, Milestone.TREATMENT_STARTED, at, source)
            .at(provider, null));
  }

  /** The milestone a {@link #MILESTONE_SYSTEM} code reports, or null for an unknown code. */
  static Milestone codedMilestone(String code) {
    return switch (code) {
      case "first-contact" -> Milestone.CONTACT;
      case "treatment-started" -> Milestone.TREATMENT_STARTED;
      case "discharged" -> Milestone.DISCHARGED;
      default -> null;
    };
  }

  private static Set<String> milestoneCodes(Task task) {
    return task.getBusinessStatus().getCoding().stream()
        .filter(c -> MILESTONE_SYSTEM.equals(c.getSystem()) && c.hasCode())
        .map(Coding::getCode)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  private static Set<String> deliveredTo(Task task) {
    return task.getOutput().stream()
        .filter(
            o ->
                o.getType().getCoding().stream()
                    .anyMatch(
                        c ->
                            TaskOutputs.OUTPUT_TYPE_SYSTEM.equals(c.getSystem())
                                && TaskOutputs.DELIVERED_TO.equals(c.getCode())))
        .filter(o -> o.getValue() instanceof Reference r && r.hasReference())
        .map(o -> ((Reference) o.getValue()).getReference())
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** A partner's own time for its answer, unless it is missing or in the future. */
  private static Instant reportedAt(Date lastModified, Instant now) {
    return lastModified == null || lastModified.toInstant().isAfter(now)
        ? now
        : lastModified.toInstant();
  }

  private static String referral(Reference reference) {
    IdType id = new IdType(reference.getReference());
    return "ServiceRequest".equals(id.getResourceType()) && id.hasIdPart()
        ? id.toUnqualifiedVersionless().getValue()
        : null;
  }

  private static String patient(Reference reference) {
    IdType id = new IdType(reference.getReference());
    return "Patient".equals(id.getResourceType()) && id.hasIdPart()
        ? id.toUnqualifiedVersionless().getValue()
        : null;
  }

  private static boolean contains(String text, String part) {
    return text != null && text.contains(part);
  }

  private static String orElse(String first, String second) {
    return first != null ? first : second;
  }
}
