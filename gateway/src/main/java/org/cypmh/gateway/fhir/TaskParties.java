package org.cypmh.gateway.fhir;

import java.util.List;
import org.cypmh.routes.api.TaskOutputs;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The organisations that have a part in a referral's Task: the referrer that requested it, and the
 * services doing the work, which are its owner and every service the gateway delivered the referral
 * to (recorded as {@code delivered-to} outputs when each delivery is acknowledged). One place, so
 * that what a partner sees, changes, answers and hears of about a Task is decided alike.
 */
@Component
public class TaskParties {

  private final OrganisationReferences organisations;

  TaskParties(OrganisationReferences organisations) {
    this.organisations = organisations;
  }

  /** The organisation requested the work (the referrer). */
  public boolean requestedBy(Task task, String ods) {
    return organisations.names(task.getRequester(), ods);
  }

  /** The organisation does the work: it owns the Task, or the referral was delivered to it. */
  public boolean receivedBy(Task task, String ods) {
    return organisations.names(task.getOwner(), ods)
        || receivers(task).stream().anyMatch(service -> organisations.names(service, ods));
  }

  /** Either of the two. */
  public boolean involves(Task task, String ods) {
    return requestedBy(task, ods) || receivedBy(task, ods);
  }

  /** The services the referral was delivered to, as the gateway recorded them. */
  public static List<Reference> receivers(Task task) {
    return task.getOutput().stream()
        .filter(
            output ->
                output.getType().getCoding().stream()
                    .anyMatch(
                        c ->
                            TaskOutputs.OUTPUT_TYPE_SYSTEM.equals(c.getSystem())
                                && TaskOutputs.DELIVERED_TO.equals(c.getCode())))
        .filter(output -> output.getValue() instanceof Reference)
        .map(output -> (Reference) output.getValue())
        .toList();
  }
}
