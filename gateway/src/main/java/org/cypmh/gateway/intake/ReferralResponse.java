package org.cypmh.gateway.intake;

import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * A partner's BaRS {@code servicerequest-response}: what the receiving service did with a referral
 * the gateway delivered. The referral is named by the referrer's identifier (which the gateway sent
 * on); the partner's Task, if included, says where it is (accepted, rejected, in progress,
 * completed), otherwise the response code does ({@code ok}: accepted, {@code fatal-error}:
 * rejected).
 */
record ReferralResponse(MessageHeader header, ServiceRequest referral, Optional<Task> partnerTask) {

  static final String EVENT = "servicerequest-response";

  static ReferralResponse read(Bundle message, MessageHeader header) {
    Bundle.BundleEntryComponent entry =
        message.getEntry().stream()
            .filter(e -> e.getResource() instanceof ServiceRequest)
            .findFirst()
            .orElseThrow(
                () ->
                    BarsError.REC_BAD_REQUEST.exception(
                        "A servicerequest-response must carry the ServiceRequest it answers",
                        "Bundle.entry"));
    ServiceRequest referral = ((ServiceRequest) entry.getResource()).copy();
    BarsReferralIdentity.recordOn(referral, entry.getFullUrl());
    if (!BarsReferralIdentity.identified(referral)) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "The ServiceRequest must carry the referrer's identifier, or the fullUrl"
              + " (urn:uuid) the referrer named it by",
          "ServiceRequest.identifier");
    }
    Optional<Task> task =
        message.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Task.class::isInstance)
            .map(Task.class::cast)
            .findFirst();
    if (task.isEmpty() && !header.getResponse().hasCode()) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "A servicerequest-response needs a Task or MessageHeader.response.code",
          "Bundle.entry[0].resource.response.code");
    }
    return new ReferralResponse(header, referral, task);
  }

  /** The tracking Task status the response implies, or empty to leave it as it is. */
  Optional<Task.TaskStatus> status() {
    if (partnerTask.isPresent() && partnerTask.get().hasStatus()) {
      return Optional.of(partnerTask.get().getStatus());
    }
    return switch (header.getResponse().getCode()) {
      case OK -> Optional.of(Task.TaskStatus.ACCEPTED);
      case FATALERROR -> Optional.of(Task.TaskStatus.REJECTED);
      default -> Optional.empty();
    };
  }

  /** What the referrer reads on its Task. */
  String businessStatus() {
    String from =
        header.getSource().hasName() ? header.getSource().getName() : "the receiving service";
    String said =
        partnerTask
            .filter(Task::hasBusinessStatus)
            .map(t -> t.getBusinessStatus().getText())
            .orElse(status().map(s -> s.getDisplay().toLowerCase()).orElse("a temporary problem"));
    return "response from " + from + ": " + said;
  }
}
