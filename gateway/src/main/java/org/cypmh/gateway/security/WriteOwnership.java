package org.cypmh.gateway.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.gateway.fhir.OrganisationReferences;
import org.cypmh.gateway.fhir.Refusal;
import org.cypmh.gateway.fhir.TaskParties;
import org.cypmh.gateway.subscription.SubscriberOrganisation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Who may change a stored record: its owner, not whoever may read it. Scopes say which types a
 * partner may write at all ({@link ScopeAuthorization}); this says which records. Checked where
 * every write is stored (REST, transactions and messages alike), against the version being
 * replaced:
 *
 * <ul>
 *   <li>a referral (ServiceRequest) is made in the sender's own name (its requester names no other
 *       organisation), changed or cancelled only by the organisation that requested it, and stays
 *       its referral;
 *   <li>a Task is moved on (accepted, rejected, completed) only by the service that owns it (its
 *       owner, or a service the referral was delivered to: {@link TaskParties}), and the move
 *       cannot change whose Task it is or what it is about; Tasks are never deleted by partners
 *       (they end with a status);
 *   <li>a care plan only by its author; a brief intervention (Procedure) only by its performer;
 *   <li>a Subscription only by the organisation that made it.
 * </ul>
 *
 * Other types (Patient, Consent, ...) have their own policies. The operator and the gateway's own
 * writes are not limited. Refused: 403 {@code forbidden}, nothing written. Enforced mode only (in
 * trusted-header mode the proxy in front decides, as with scopes).
 */
@Component
@ConditionalOnProperty(
    name = "gateway.security.mode",
    havingValue = "enforced",
    matchIfMissing = true)
class WriteOwnership implements FhirServerInterceptor {

  private final OrganisationReferences organisations;
  private final TaskParties tasks;

  WriteOwnership(OrganisationReferences organisations, TaskParties tasks) {
    this.organisations = organisations;
    this.tasks = tasks;
  }

  /**
   * A partner refers in its own name: a new referral's requester may name no organisation the
   * gateway can tell (a practitioner, a school by URN), or the sender's own, never another's.
   */
  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void creating(IBaseResource created, RequestDetails request) {
    Caller caller = Caller.of(request);
    if (!caller.isPartner() || !(created instanceof ServiceRequest referral)) {
      return;
    }
    Set<String> named = organisations.organisationsOf(referral.getRequester());
    if (!named.isEmpty() && !named.contains(caller.odsCode().toUpperCase(Locale.ROOT))) {
      refuse(
          "A partner refers in its own name: ServiceRequest.requester names "
              + String.join(", ", new TreeSet<>(named))
              + ", not the sending organisation "
              + caller.odsCode());
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    Caller caller = Caller.of(request);
    if (!caller.isPartner()) {
      return;
    }
    String ods = caller.odsCode();
    if (previous instanceof ServiceRequest referral) {
      requireRequester(referral, ods);
      if (!organisations.names(((ServiceRequest) updated).getRequester(), ods)) {
        refuse(
            "A referral stays the referral of the organisation that requested it:"
                + " ServiceRequest.requester cannot name another organisation");
      }
    } else if (previous instanceof Task task) {
      requireOwner(task, ods);
      Task moved = (Task) updated;
      if (!same(task.getOwner(), moved.getOwner())
          || !same(task.getRequester(), moved.getRequester())
          || !same(task.getFor(), moved.getFor())
          || !same(task.getFocus(), moved.getFocus())
          || !sameAll(task.getBasedOn(), moved.getBasedOn())
          || !sameAll(TaskParties.receivers(task), TaskParties.receivers(moved))) {
        refuse(
            "The service that owns a Task moves it on (status, businessStatus, statusReason,"
                + " output, note); it cannot change its owner, requester, for, focus, basedOn"
                + " or the services it was delivered to");
      }
    } else {
      requireOwnerOf(previous, ods);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void deleting(IBaseResource deleted, RequestDetails request) {
    Caller caller = Caller.of(request);
    if (!caller.isPartner()) {
      return;
    }
    if (deleted instanceof ServiceRequest referral) {
      requireRequester(referral, caller.odsCode());
    } else if (deleted instanceof Task) {
      refuse(
          "Tasks are not deleted: the service that owns it ends it with a status"
              + " (completed, cancelled, rejected)");
    } else {
      requireOwnerOf(deleted, caller.odsCode());
    }
  }

  private void requireOwnerOf(IBaseResource resource, String ods) {
    if (resource instanceof CarePlan plan && !organisations.names(plan.getAuthor(), ods)) {
      refuse("Only the care plan's author (CarePlan.author) may change it");
    }
    if (resource instanceof Procedure procedure
        && procedure.getPerformer().stream()
            .noneMatch(
                p ->
                    organisations.names(p.getActor(), ods)
                        || organisations.names(p.getOnBehalfOf(), ods))) {
      refuse("Only the organisation that performed it (Procedure.performer) may change it");
    }
    if (resource instanceof Subscription subscription
        && !SubscriberOrganisation.of(subscription).map(ods::equalsIgnoreCase).orElse(false)) {
      refuse("Only the organisation that made a Subscription may change it");
    }
  }

  private void requireRequester(ServiceRequest referral, String ods) {
    if (!organisations.names(referral.getRequester(), ods)) {
      refuse(
          "Only the organisation that requested a referral (ServiceRequest.requester) may change"
              + " or cancel it; a receiving service moves its Task on instead");
    }
  }

  private void requireOwner(Task task, String ods) {
    if (!tasks.receivedBy(task, ods)) {
      refuse(
          "Only the service that owns a Task (its owner, or a service the referral was delivered"
              + " to) may move it on; a referrer updates or cancels its referral (ServiceRequest)"
              + " instead");
    }
  }

  private static boolean same(Reference before, Reference after) {
    return before.equalsDeep(after);
  }

  private static boolean sameAll(List<Reference> before, List<Reference> after) {
    if (before.size() != after.size()) {
      return false;
    }
    for (int i = 0; i < before.size(); i++) {
      if (!before.get(i).equalsDeep(after.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static void refuse(String reason) {
    throw Refusal.forbidden(reason, null);
  }
}
