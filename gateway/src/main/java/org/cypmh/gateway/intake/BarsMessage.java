package org.cypmh.gateway.intake;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.BarsCodes;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Resource;

/**
 * A BaRS message, checked as a receiver must before acting on it: a message Bundle whose first
 * entry is a MessageHeader for one of the BaRS events ({@code message-events-bars}), focused on one
 * entry of the message of the type the event (and its MessageDefinition, when the gateway knows it)
 * calls for: a ServiceRequest for referrals, validation requests, cancellations and their
 * responses; an Appointment for bookings.
 */
record BarsMessage(
    Bundle bundle, MessageHeader header, Optional<BarsDefinition> definition, int focusIndex) {

  static final Set<String> EVENTS =
      Set.of(
          BarsDefinition.EVENT_SERVICEREQUEST_REQUEST,
          BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE,
          BarsDefinition.EVENT_BOOKING_REQUEST,
          BarsDefinition.EVENT_BOOKING_RESPONSE);

  static BarsMessage read(Bundle message) {
    MessageHeader header = ReferralMessage.header(message);
    Coding event = header.getEventCoding();
    if (!BarsCodes.EVENTS_SYSTEM.equals(event.getSystem()) || !EVENTS.contains(event.getCode())) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "Not a BaRS event: MessageHeader.eventCoding must be one of "
              + BarsCodes.EVENTS_SYSTEM
              + "|"
              + String.join(", ", EVENTS.stream().sorted().toList()),
          "Bundle.entry[0].resource.eventCoding");
    }
    Optional<BarsDefinition> definition = BarsDefinition.of(header.getDefinition());
    if (definition.isPresent() && !definition.get().event().equals(event.getCode())) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "MessageHeader.definition "
              + definition.get().url()
              + " is for the event "
              + definition.get().event()
              + ", not "
              + event.getCode(),
          "Bundle.entry[0].resource.definition");
    }
    if (header.getFocus().size() != 1) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.focus must reference exactly one entry of the message",
          "Bundle.entry[0].resource.focus");
    }
    String focus = header.getFocusFirstRep().getReference();
    int index = indexOf(message, focus);
    String expected =
        definition
            .map(BarsDefinition::focusType)
            .orElse(BarsDefinition.focusTypeOf(event.getCode()));
    if (index < 0) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.focus '" + focus + "' is not an entry of the message",
          "Bundle.entry[0].resource.focus[0]");
    }
    String actual = message.getEntry().get(index).getResource().fhirType();
    if (!expected.equals(actual)) {
      if (definition.isPresent()) {
        throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
            "The payload does not match MessageHeader.definition "
                + definition.get().url()
                + ": its focus must be a "
                + expected
                + ", not a "
                + actual,
            "Bundle.entry[0].resource.focus[0]");
      }
      throw BarsError.REC_BAD_REQUEST.exception(
          "MessageHeader.focus '"
              + focus
              + "' is a "
              + actual
              + "; a "
              + event.getCode()
              + " message focuses on a "
              + expected
              + " entry of the message",
          "Bundle.entry[0].resource.focus[0]");
    }
    return new BarsMessage(message, header, definition, index);
  }

  String event() {
    return header.getEventCoding().getCode();
  }

  Resource focus() {
    return bundle.getEntry().get(focusIndex).getResource();
  }

  /** The MessageDefinition as sent (canonical), or null. */
  String definitionUrl() {
    return header.hasDefinition() ? header.getDefinition() : null;
  }

  private static int indexOf(Bundle message, String fullUrl) {
    List<Bundle.BundleEntryComponent> entries = message.getEntry();
    for (int i = 1; i < entries.size(); i++) {
      if (Objects.equals(entries.get(i).getFullUrl(), fullUrl)
          && entries.get(i).getResource() != null) {
        return i;
      }
    }
    return -1;
  }
}
