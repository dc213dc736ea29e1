package org.cypmh.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.BarsCodes;
import org.cypmh.routes.api.BarsOrigin;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * A BaRS referral message, checked: a message Bundle that starts with a MessageHeader for the
 * {@code servicerequest-request} event, whose focus is a ServiceRequest in the Bundle. Knows how to
 * store itself as a FHIR transaction.
 */
record ReferralMessage(
    MessageHeader header, Bundle bundle, Reason reason, int referralIndexInMessage) {

  static final String EVENT = "servicerequest-request";

  /**
   * Why the sender sent it ({@code message-reason-bars}): a new referral, a change (incl.
   * cancellation) to one it sent, or its withdrawal.
   */
  enum Reason {
    NEW,
    UPDATE,
    DELETE;

    /** True if the message changes a referral the gateway already holds. */
    boolean changesExisting() {
      return this != NEW;
    }
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

  /**
   * The referral a {@code servicerequest-request} message is about. A cancellation (the
   * cancellation MessageDefinition) must be an update of a revoked or entered-in-error referral;
   * reason {@code delete} withdraws the referral, as a cancellation does.
   */
  static ReferralMessage read(BarsMessage message) {
    MessageHeader header = message.header();
    Reason reason = reason(header);
    ServiceRequest referral = (ServiceRequest) message.focus();
    if (message.definition().orElse(null) == BarsDefinition.CANCELLATION) {
      if (reason == Reason.NEW) {
        throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
            "A cancellation (MessageDefinition "
                + BarsDefinition.CANCELLATION.url()
                + ") changes a referral already sent: MessageHeader.reason must be 'update'",
            "Bundle.entry[0].resource.reason");
      }
      if (referral.getStatus() != ServiceRequest.ServiceRequestStatus.REVOKED
          && referral.getStatus() != ServiceRequest.ServiceRequestStatus.ENTEREDINERROR) {
        throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
            "The payload does not match MessageHeader.definition "
                + BarsDefinition.CANCELLATION.url()
                + ": a cancelled referral has status 'revoked'",
            "Bundle.entry[" + message.focusIndex() + "].resource.status");
      }
    }
    // What routing and consent cannot do without, whatever profile the referral claims.
    if (!referral.getSubject().hasReference() && !referral.getSubject().hasIdentifier()) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "The referral must name the young person it is about (ServiceRequest.subject)",
          "Bundle.entry[" + message.focusIndex() + "].resource.subject");
    }
    if (!referral.hasRequester()) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "The referral must name who refers (ServiceRequest.requester)",
          "Bundle.entry[" + message.focusIndex() + "].resource.requester");
    }
    return new ReferralMessage(header, message.bundle(), reason, message.focusIndex());
  }

  private static Reason reason(MessageHeader header) {
    Coding reason =
        header.getReason().getCoding().stream()
            .filter(c -> BarsCodes.REASONS_SYSTEM.equals(c.getSystem()))
            .findFirst()
            .orElse(null);
    if (reason == null || reason.getCode() == null) {
      return Reason.NEW;
    }
    return switch (reason.getCode()) {
      case "new" -> Reason.NEW;
      case "update" -> Reason.UPDATE;
      case "delete" -> Reason.DELETE;
      default ->
          throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
              "MessageHeader.reason must be 'new', 'update' or 'delete' (message-reason-bars), not '"
                  + reason.getCode()
                  + "'",
              "Bundle.entry[0].resource.reason");
    };
  }

  /**
   * Every resource but the MessageHeader that the gateway stores, as a transaction in the message's
   * order (so the response entry at {@link #referralIndex} is the referral). The Patient is matched
   * on NHS number (else its local identifier, see {@link #patientMatch}); a new referral is created
   * once (see ReferralIdempotency); an update replaces the referral the sender identified by its
   * own identifier (a {@code delete} stores it revoked). A resource of a type the gateway does not
   * store ({@link BarsOrigin#keptOnlyInMessage}, e.g. a Questionnaire or an Appointment) is kept
   * only in the stored message, which travels with the referral; references to it in stored
   * resources name its entry ({@code fullUrl}) instead.
   *
   * @param served whether the gateway stores and serves a resource type
   * @param origin where the referral came from, recorded on it for answers and delivery
   */
  Bundle asTransaction(Predicate<String> served, BarsOrigin origin) {
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Set<String> keptInMessage = new HashSet<>();
    for (Bundle.BundleEntryComponent entry :
        bundle.getEntry().subList(1, bundle.getEntry().size())) {
      if (BarsOrigin.keptOnlyInMessage(entry.getResource().fhirType(), served)) {
        keptInMessage.add(entry.getFullUrl());
      }
    }
    for (Bundle.BundleEntryComponent entry :
        bundle.getEntry().subList(1, bundle.getEntry().size())) {
      if (keptInMessage.contains(entry.getFullUrl())) {
        continue;
      }
      Bundle.BundleEntryComponent copy =
          transaction
              .addEntry()
              .setFullUrl(entry.getFullUrl())
              .setResource(entry.getResource().copy());
      pointIntoMessage(copy.getResource(), keptInMessage);
      Bundle.BundleEntryRequestComponent request = copy.getRequest();
      String type = entry.getResource().fhirType();
      if (entry.getResource() instanceof Patient patient && patientMatch(patient) != null) {
        request.setMethod(Bundle.HTTPVerb.POST).setUrl(type).setIfNoneExist(patientMatch(patient));
      } else if (copy.getResource() instanceof ServiceRequest referral
          && entry == bundle.getEntry().get(referralIndexInMessage)) {
        BarsReferralIdentity.recordOn(referral, entry.getFullUrl());
        origin.markOn(referral);
        if (reason == Reason.DELETE) {
          referral.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        }
        if (reason.changesExisting()) {
          request.setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "?" + updateMatchUrl(referral));
        } else {
          request.setMethod(Bundle.HTTPVerb.POST).setUrl(type);
        }
      } else if (entry.getResource() instanceof ServiceRequest referral
          && reason.changesExisting()) {
        request.setMethod(Bundle.HTTPVerb.PUT).setUrl(type + "?" + updateMatchUrl(referral));
      } else {
        request.setMethod(Bundle.HTTPVerb.POST).setUrl(type);
      }
    }
    transaction.addEntry(storedMessage(bundle, origin));
    return transaction;
  }

  /**
   * The message itself, as received, for the same transaction: what the sender said is kept exactly
   * when what it asked for is stored. It carries the identifier the gateway finds it by (the
   * sender's, or one given here).
   */
  static Bundle.BundleEntryComponent storedMessage(Bundle bundle, BarsOrigin origin) {
    Bundle received = bundle.copy();
    received.setId((String) null);
    if (bundle.getIdElement().hasIdPart()) {
      received.getMeta().addTag(BarsOrigin.MESSAGE_ID_TAG, bundle.getIdElement().getIdPart(), null);
    }
    if (!received.getIdentifier().hasValue() && origin.messageIdentifier() != null) {
      received.setIdentifier(origin.messageIdentifier().copy());
    }
    Bundle.BundleEntryComponent entry =
        new Bundle.BundleEntryComponent()
            .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
            .setResource(received);
    entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Bundle");
    if (bundle.getIdentifier().hasValue()) {
      // Two copies of one message racing past the REC_CONFLICT check store it once.
      entry
          .getRequest()
          .setIfNoneExist(
              "identifier="
                  + bundle.getIdentifier().getSystem()
                  + "|"
                  + bundle.getIdentifier().getValue());
    }
    return entry;
  }

  /**
   * A stored resource pointing at an entry kept only in the message: the reference names the entry
   * by its fullUrl (an identifier), since there is no stored resource to point at.
   */
  private static void pointIntoMessage(Resource resource, Set<String> keptInMessage) {
    if (keptInMessage.isEmpty()) {
      return;
    }
    for (Reference reference :
        FhirContext.forR4Cached()
            .newTerser()
            .getAllPopulatedChildElementsOfType(resource, Reference.class)) {
      if (reference.hasReference() && keptInMessage.contains(reference.getReference())) {
        String entry = reference.getReference();
        reference.setReference(null);
        // The parser linked the entry's resource; it must not be stored as a reference either.
        reference.setResource(null);
        reference.setIdentifier(new Identifier().setSystem("urn:ietf:rfc:3986").setValue(entry));
        if (!reference.hasDisplay()) {
          reference.setDisplay("kept in the BaRS message it came with");
        }
      }
    }
  }

  /** Position of the referral in the transaction made with the same {@code served}. */
  int referralIndex(Predicate<String> served) {
    int index = 0;
    for (int i = 1; i < referralIndexInMessage; i++) {
      if (!BarsOrigin.keptOnlyInMessage(
          bundle.getEntry().get(i).getResource().fhirType(), served)) {
        index++;
      }
    }
    return index;
  }

  /**
   * How a resent message finds the young person it already stored: the NHS number; without one (not
   * yet traced), the sender's own local identifier (first with system and value), so resending does
   * not create a second Patient. Null if the Patient has neither.
   */
  static String patientMatch(Patient patient) {
    String nhsNumber = nhsNumber(patient.getIdentifier());
    if (nhsNumber != null) {
      return "identifier=" + ConformancePackage.NHS_NUMBER_SYSTEM + "|" + nhsNumber;
    }
    return patient.getIdentifier().stream()
        .filter(
            i ->
                i.hasSystem()
                    && i.hasValue()
                    && !ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()))
        .findFirst()
        .map(i -> "identifier=" + i.getSystem() + "|" + i.getValue())
        .orElse(null);
  }

  /**
   * The referral the message is about, as the gateway identifies it (a copy: with the sender's URN
   * as its identifier if it carries none, see {@link BarsReferralIdentity}).
   */
  ServiceRequest referral() {
    Bundle.BundleEntryComponent entry = bundle.getEntry().get(referralIndexInMessage);
    ServiceRequest referral = ((ServiceRequest) entry.getResource()).copy();
    BarsReferralIdentity.recordOn(referral, entry.getFullUrl());
    return referral;
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

  private static String nhsNumber(List<Identifier> identifiers) {
    return identifiers.stream()
        .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }
}
