package org.cypmh.routes.api;

/** The NHS BaRS code systems a message's MessageHeader is coded in. */
public final class BarsCodes {

  /** MessageHeader.eventCoding, e.g. {@code servicerequest-request}. */
  public static final String EVENTS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-events-bars";

  /** MessageHeader.reason, e.g. {@code new}, {@code update}. */
  public static final String REASONS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/message-reason-bars";

  private BarsCodes() {}
}
