package org.cypmh.gateway.intake;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * A BaRS referral message, checked: a message Bundle that starts with a MessageHeader for the
 * {@code servicerequest-request} event, whose focus is a ServiceRequest in the Bundle. Knows how to
 * store itself as a FHIR transaction.
 */
record ReferralMessage(
    MessageHeader header, Bundle bundle, Reason reason, int referralIndexInMessage) {

  static final String EVENT_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
  static final String REASON_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";
  static final String EVENT = "servicerequest-request";
  private static final String NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number";

  /** Why the sender sent it: a new referral, or a change (incl. cancellation) to one it sent. */
  enum Reason {
    NEW,
    UPDATE
  }

  /** The MessageHeader of a well-formed message Bundle. */
  static MessageHeader header(Bundle message) {
    if (message.getType() != Bundle.BundleType.MESSAGE) {
      throw BarsError.REC_BAD_REQUEST.exception("Bundle.type must be 'message'", "Bundle.type");
    }
    if (message.getEntry().isEmpty()
        || !(message.getEntryFirstRep().getResource() instanceof MessageHeader header)) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "The first entry of a message must be a MessageHeader", "Bundle.entry[0].resource");
    }
    if (!(header.getEvent() instanceof Coding)) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.eventCoding is required", "Bundle.entry[0].resource.eventCoding");
    }
    return header;
  }

  static ReferralMessage read(Bundle message) {
    MessageHeader header = header(message);
    if (!(header.getEvent() instanceof Coding event)
        || !EVENT_SYSTEM.equals(event.getSystem())
        || !EVENT.equals(event.getCode())) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "This gateway processes the events "
              + EVENT_SYSTEM
              + "|"
              + EVENT
              + " and "
              + ReferralResponse.EVENT
              + " only",
          "Bundle.entry[0].resource.eventCoding");
    }
    Reason reason = reason(header);
    if (header.getFocus().size() != 1) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.focus must reference exactly one ServiceRequest in the message",
          "Bundle.entry[0].resource.focus");
    }
    String focus = header.getFocusFirstRep().getReference();
    int index = indexOf(message, focus);
    if (index < 0 || !(message.getEntry().get(index).getResource() instanceof ServiceRequest)) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.focus '" + focus + "' is not a ServiceRequest entry of the message",
          "Bundle.entry[0].resource.focus[0]");
    }
    return new ReferralMessage(header, message, reason, index);
  }

  private static Reason reason(MessageHeader header) {
    Coding reason =
        header.getReason().getCoding().stream()
            .filter(c -> REASON_SYSTEM.equals(c.getSystem()))
            .findFirst()
            .orElse(null);
    if (reason == null || reason.getCode() == null) {
      return Reason.NEW;
    }
    return switch (reason.getCode()) {
      case "new" -> Reason.NEW;
      case "update" -> Reason.UPDATE;
      default ->
          throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
              "MessageHeader.reason must be 'new' or 'update', not '" + reason.getCode() + "'",
              "Bundle.entry[0].resource.reason");
    };
  }

  private static int indexOf(Bundle message, String fullUrl) {
    List<Bundle.BundleEntryComponent> entries = message.getEntry();
    for (int i = 1; i < entries.size(); i++) {
      if (Objects.equals(entries.get(i).getFullUrl(), fullUrl)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Every resource but the MessageHeader, as a transaction in the message's order (so the response
   * entry at {@link #referralIndex()} - 1 is the referral). The Patient is matched on NHS number
   * (else its local identifier, see {@link #patientMatch}); a new referral is created once (see
   * ReferralIdempotency); an update replaces the referral the sender identified by its own
   * identifier.
   */
  Bundle asTransaction() {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Bundle.BundleEntryComponent entry :
        bundle.getEntry().subList(1, bundle.getEntry().size())) {
      Bundle.BundleEntryComponent copy =
          transaction
              .addEntry()
              .setFullUrl(entry.getFullUrl())
              .setResource(entry.getResource().copy());
      Bundle.BundleEntryRequestComponent request = copy.getRequest();
      String type = entry.getResource().fhirType();
      if (entry.getResource() instanceof Patient patient && patientMatch(patient) != null) {
        request.setMethod(Bundle.HTTPVerb.POST).setUrl(type).setIfNoneExist(patientMatch(patient));
      } else if (entry.getResource() instanceof ServiceRequest referral
          && reason == Reason.UPDATE) {
        request.setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "?" + updateMatchUrl(referral));
      } else {
        request.setMethod(Bundle.HTTPVerb.POST).setUrl(type);
      }
    }
    // The message itself, as received, in the same transaction: what the sender said is kept
    // exactly when what it asked for is stored.
    Bundle received = bundle.copy();
    received.setId((String) null);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .setResource(received)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Bundle");
    if (bundle.getIdentifier().hasValue()) {
      // Two copies of one message racing past the REC_CONFLICT check store it once.
      transaction
          .getEntry()
          .get(transaction.getEntry().size() - 1)
          .getRequest()
          .setIfNoneExist(
              "identifier="
                  + bundle.getIdentifier().getSystem()
                  + "|"
                  + bundle.getIdentifier().getValue());
    }
    return transaction;
  }

  /**
   * How a resent message finds the young person it already stored: the NHS number; without one (not
   * yet traced), the sender's own local identifier (first with system and value), so resending does
   * not create a second Patient. Null if the Patient has neither.
   */
  static String patientMatch(Patient patient) {
    String nhsNumber = nhsNumber(patient.getIdentifier());
    if (nhsNumber != null) {
      return "identifier=" + NHS_NUMBER + "|" + nhsNumber;
    }
    return patient.getIdentifier().stream()
        .filter(i -> i.hasSystem() && i.hasValue() && !NHS_NUMBER.equals(i.getSystem()))
        .findFirst()
        .map(i -> "identifier=" + i.getSystem() + "|" + i.getValue())
        .orElse(null);
  }

  /** The referral the message is about. */
  ServiceRequest referral() {
    return (ServiceRequest) bundle.getEntry().get(referralIndexInMessage).getResource();
  }

  /**
   * How an update finds the referral it changes: the same referrer identifier (and requester) that
   * made the original create idempotent.
   */
  static String updateMatchUrl(ServiceRequest referral) {
    return ReferralIdempotency.matchUrl(referral)
        .orElseThrow(
            () ->
                BarsError.REC_UNPROCESSABLE_ENTITY.exception(
                    "An update must carry the referrer's identifier of the referral it changes",
                    "ServiceRequest.identifier"));
  }

  /** Position of the referral in the transaction (the message minus its MessageHeader). */
  int referralIndex() {
    return referralIndexInMessage - 1;
  }

  private static String nhsNumber(List<Identifier> identifiers) {
    return identifiers.stream()
        .filter(i -> NHS_NUMBER.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }
}
