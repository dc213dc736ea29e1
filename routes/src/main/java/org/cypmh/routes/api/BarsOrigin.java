package org.cypmh.routes.api;

import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * Where a stored referral came from when it arrived as a BaRS message: the message's ids (to answer
 * it, {@code MessageHeader.response.identifier} is the message's {@code Bundle.id}, and to find the
 * stored message), the sender's reply address ({@code MessageHeader.source.endpoint}) and the
 * MessageDefinition it was sent under (referral, validation, cancellation). Kept on the stored
 * ServiceRequest as one gateway extension, set by intake only; never sent to partners.
 *
 * @param messageId the message's {@code Bundle.id} as sent, or null
 * @param messageIdentifier the message's {@code Bundle.identifier} (system and value), or null
 * @param replyTo the sender's {@code source.endpoint} (a URL or a {@code system|value} id), or null
 * @param definition the {@code MessageHeader.definition} (canonical), or null
 */
public record BarsOrigin(
    String messageId, Identifier messageIdentifier, String replyTo, String definition) {

  public static final String EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/bars-message-origin";

  /**
   * A stored message keeps the id its sender gave it (the BaRS message id, {@code Bundle.id}) as a
   * tag of this system: the gateway stores the Bundle under an id of its own.
   */
  public static final String MESSAGE_ID_TAG =
      "https://cypmh-gateway.org/fhir/CodeSystem/bars-message-id";

  public static final String DEFINITIONS = "https://fhir.nhs.uk/MessageDefinition/";
  public static final String REFERRAL =
      DEFINITIONS + "bars-message-servicerequest-request-referral";
  public static final String VALIDATION =
      DEFINITIONS + "bars-message-servicerequest-request-validation";
  public static final String CANCELLATION =
      DEFINITIONS + "bars-message-servicerequest-request-cancelled";

  /**
   * Types a message may carry that the gateway never stores from one, even where it serves them:
   * its own directory, subscriptions, conformance content, messages within messages; the forms a
   * message's answers refer to (the same Questionnaire comes with every message that uses it), and
   * the bookings it passes on (the booking belongs to the receiving service's system). They stay in
   * the stored message and travel on with it.
   */
  public static final Set<String> NEVER_STORED_FROM_MESSAGES =
      Set.of(
          "MessageHeader",
          "Bundle",
          "HealthcareService",
          "Endpoint",
          "Subscription",
          "StructureDefinition",
          "CodeSystem",
          "ValueSet",
          "ConceptMap",
          "NamingSystem",
          "SearchParameter",
          "Questionnaire",
          "Appointment",
          "Slot",
          "Schedule");

  /**
   * True if a resource of this type in a message is kept only in the stored message (and sent on
   * with it), not stored as a resource of its own.
   *
   * @param served whether the gateway stores and serves a resource type
   */
  public static boolean keptOnlyInMessage(String type, Predicate<String> served) {
    return !"MessageHeader".equals(type)
        && (NEVER_STORED_FROM_MESSAGES.contains(type) || !served.test(type));
  }

  /** The origin recorded on a stored referral, if it came as a BaRS message. */
  public static Optional<BarsOrigin> of(ServiceRequest referral) {
    Extension origin = referral.getExtensionByUrl(EXTENSION);
    if (origin == null) {
      return Optional.empty();
    }
    return Optional.of(
        new BarsOrigin(
            text(origin, "messageId"),
            origin.getExtensionByUrl("messageIdentifier") == null
                ? null
                : (Identifier) origin.getExtensionByUrl("messageIdentifier").getValue(),
            text(origin, "replyTo"),
            text(origin, "definition")));
  }

  /** Records this origin on the referral (replacing an earlier one: the latest message counts). */
  public void markOn(ServiceRequest referral) {
    referral.getExtension().removeIf(e -> EXTENSION.equals(e.getUrl()));
    Extension origin = referral.addExtension().setUrl(EXTENSION);
    if (messageId != null) {
      origin.addExtension("messageId", new StringType(messageId));
    }
    if (messageIdentifier != null) {
      origin.addExtension("messageIdentifier", messageIdentifier.copy());
    }
    if (replyTo != null) {
      origin.addExtension("replyTo", new StringType(replyTo));
    }
    if (definition != null) {
      origin.addExtension("definition", new UriType(definition));
    }
  }

  /** True if the sender asked the service to validate (BaRS validation use case). */
  public boolean validation() {
    return VALIDATION.equals(definition);
  }

  /** The referral without the gateway's own bookkeeping, as partners get it. */
  public static void removeFrom(ServiceRequest referral) {
    referral.getExtension().removeIf(e -> EXTENSION.equals(e.getUrl()));
  }

  private static String text(Extension origin, String name) {
    Extension part = origin.getExtensionByUrl(name);
    return part == null || part.getValue() == null ? null : part.getValue().primitiveValue();
  }
}
