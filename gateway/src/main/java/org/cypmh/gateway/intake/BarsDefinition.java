package org.cypmh.gateway.intake;

import java.util.Arrays;
import java.util.Optional;
import org.cypmh.routes.api.BarsOrigin;

/**
 * The BaRS MessageDefinitions the gateway knows: which event each is sent with and what its focus
 * must be. A message under one of them whose payload does not match is refused; a definition the
 * gateway does not know is judged by its event alone.
 */
enum BarsDefinition {
  REFERRAL(BarsOrigin.REFERRAL, BarsDefinition.EVENT_SERVICEREQUEST_REQUEST, "ServiceRequest"),
  VALIDATION(BarsOrigin.VALIDATION, BarsDefinition.EVENT_SERVICEREQUEST_REQUEST, "ServiceRequest"),
  CANCELLATION(
      BarsOrigin.CANCELLATION, BarsDefinition.EVENT_SERVICEREQUEST_REQUEST, "ServiceRequest"),
  BOOKING(
      BarsOrigin.DEFINITIONS + "bars-message-booking-request",
      BarsDefinition.EVENT_BOOKING_REQUEST,
      "Appointment"),
  REFERRAL_RESPONSE(
      BarsOrigin.DEFINITIONS + "bars-message-servicerequest-response-referral",
      BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE,
      "ServiceRequest"),
  VALIDATION_RESPONSE_INTERIM(
      BarsOrigin.DEFINITIONS + "bars-message-servicerequest-response-validation-interim",
      BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE,
      "ServiceRequest"),
  VALIDATION_RESPONSE_FULL(
      BarsOrigin.DEFINITIONS + "bars-message-servicerequest-response-validation-full",
      BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE,
      "ServiceRequest"),
  BOOKING_RESPONSE(
      BarsOrigin.DEFINITIONS + "bars-message-booking-response",
      BarsDefinition.EVENT_BOOKING_RESPONSE,
      "Appointment");

  static final String EVENT_SERVICEREQUEST_REQUEST = "servicerequest-request";
  static final String EVENT_SERVICEREQUEST_RESPONSE = "servicerequest-response";
  static final String EVENT_BOOKING_REQUEST = "booking-request";
  static final String EVENT_BOOKING_RESPONSE = "booking-response";

  private final String url;
  private final String event;
  private final String focusType;

  BarsDefinition(String url, String event, String focusType) {
    this.url = url;
    this.event = event;
    this.focusType = focusType;
  }

  /** The definition with this canonical URL (a {@code |version} suffix is ignored). */
  static Optional<BarsDefinition> of(String canonical) {
    if (canonical == null) {
      return Optional.empty();
    }
    String url = canonical.replaceAll("\\|.*$", "");
    return Arrays.stream(values()).filter(d -> d.url.equals(url)).findFirst();
  }

  /** The focus type a message of this BaRS event must have. */
  static String focusTypeOf(String event) {
    return event.startsWith("booking-") ? "Appointment" : "ServiceRequest";
  }

  String url() {
    return url;
  }

  String event() {
    return event;
  }

  String focusType() {
    return focusType;
  }
}
