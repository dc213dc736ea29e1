package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import java.util.UUID;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.springframework.stereotype.Component;

/**
 * BaRS transport headers on {@code $process-message}, read and checked before the message is:
 *
 * <ul>
 *   <li>{@code X-Request-Id} (a UUID) and {@code X-Correlation-Id} are required, and each one sent
 *       is echoed on the response, errors included, so the sender's BaRS client can match our
 *       answer to its request;
 *   <li>{@code NHSD-Requesting-Software} (base64 JSON of a FHIR Device) and {@code
 *       NHSD-End-User-Organisation} (base64 JSON of a FHIR Organization with an identifier, e.g.
 *       its ODS code) are required; {@code NHSD-Requesting-Practitioner} (base64 JSON of a
 *       PractitionerRole) is checked when sent. A malformed one is {@code REC_BAD_REQUEST}. (The
 *       trusted-header mode's {@code NHSD-End-User-Organisation-ODS} is a different header.)
 *   <li>{@code NHSD-Target-Identifier} (base64 JSON {@code {"system": ..., "value": ...}}) names
 *       the service the sender wants: the gateway then acts as BaRS's proxy, delivering the message
 *       to that directory service instead of routing it by the rules. Accepted: the gateway's
 *       service id system, an ODS code ({@code https://fhir.nhs.uk/Id/ods-organization-code}, the
 *       organisation's first service with an endpoint), or any other identifier a directory
 *       HealthcareService carries (e.g. {@code https://fhir.nhs.uk/Id/dos-service-id}).
 *       Undecodable: {@code PROXY_BAD_REQUEST}; not in the directory: {@code PROXY_NOT_FOUND},
 *       before anything is stored.
 * </ul>
 */
@Component
class BarsHeaders implements FhirServerInterceptor {

  static final String REQUEST_ID = "X-Request-Id";
  static final String CORRELATION_ID = "X-Correlation-Id";
  static final String TARGET = "NHSD-Target-Identifier";
  static final String REQUESTING_SOFTWARE = "NHSD-Requesting-Software";
  static final String END_USER_ORGANISATION = "NHSD-End-User-Organisation";
  static final String REQUESTING_PRACTITIONER = "NHSD-Requesting-Practitioner";
  private static final String TARGET_SERVICE = BarsHeaders.class.getName() + ".targetService";

  private final ServiceDirectory directory;
  private final ObjectMapper json = new ObjectMapper();

  BarsHeaders(ServiceDirectory directory) {
    this.directory = directory;
  }

  /** The directory service the request named as its target, or null. */
  static String targetService(RequestDetails request) {
    if (request == null || !(request.getUserData().get(TARGET_SERVICE) instanceof String id)) {
      return null;
    }
    return id;
  }

  /** The message goes to this directory service (its destination named it). */
  static void targetService(RequestDetails request, String serviceId) {
    if (serviceId != null) {
      request.getUserData().put(TARGET_SERVICE, serviceId);
    }
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  void requireAndEcho(ServletRequestDetails request) {
    if (!"$process-message".equals(request.getOperation())) {
      return;
    }
    // Echo first: an error about any header still carries the ids the sender can match it by.
    for (String header : new String[] {REQUEST_ID, CORRELATION_ID}) {
      String value = request.getHeader(header);
      if (value != null && !value.isBlank() && value.length() <= 100) {
        request.getServletResponse().setHeader(header, value);
      }
    }
    for (String header : new String[] {REQUEST_ID, CORRELATION_ID}) {
      String value = request.getHeader(header);
      if (value == null || value.isBlank()) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "The BaRS header " + header + " is required", null);
      }
      if (value.length() > 100) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "The BaRS header " + header + " must be at most 100 characters", null);
      }
    }
    requireUuid(request.getHeader(REQUEST_ID));
    requireResource(request, REQUESTING_SOFTWARE, "Device", true, false);
    requireResource(request, END_USER_ORGANISATION, "Organization", true, true);
    requireTheCaller(request);
    requireResource(request, REQUESTING_PRACTITIONER, "PractitionerRole", false, false);
    String target = request.getHeader(TARGET);
    if (target != null) {
      request.getUserData().put(TARGET_SERVICE, targetService(target));
    }
  }

  /**
   * The end-user organisation a partner names is the one it authenticated as: a partner's messages
   * are its own organisation's, never another's (the operator may name any).
   */
  private void requireTheCaller(ServletRequestDetails request) {
    Caller caller = Caller.of(request);
    if (!caller.isPartner() || caller.isMalformed()) {
      return;
    }
    JsonNode organisation = decode(request.getHeader(END_USER_ORGANISATION));
    for (JsonNode identifier : organisation.path("identifier")) {
      if (ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(identifier.path("system").asText(""))
          && !caller.odsCode().equalsIgnoreCase(identifier.path("value").asText(""))) {
        throw BarsError.REC_FORBIDDEN.exception(
            "The BaRS header "
                + END_USER_ORGANISATION
                + " names ODS code "
                + identifier.path("value").asText("")
                + ", but this partner is "
                + caller.odsCode()
                + ": a partner sends messages for its own organisation only",
            null);
      }
    }
  }

  private static void requireUuid(String requestId) {
    try {
      UUID.fromString(requestId.trim());
    } catch (IllegalArgumentException e) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "The BaRS header " + REQUEST_ID + " must be a UUID", null);
    }
  }

  /**
   * A header carrying a FHIR resource as base64 JSON: it decodes, is of the type BaRS names and, if
   * {@code identified}, has an identifier with system and value.
   */
  private void requireResource(
      ServletRequestDetails request,
      String header,
      String resourceType,
      boolean required,
      boolean identified) {
    String value = request.getHeader(header);
    if (value == null || value.isBlank()) {
      if (required) {
        throw BarsError.REC_BAD_REQUEST.exception(
            "The BaRS header " + header + " is required", null);
      }
      return;
    }
    JsonNode resource = decode(value);
    if (resource == null
        || !resource.isObject()
        || !resourceType.equals(resource.path("resourceType").asText(null))) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "The BaRS header "
              + header
              + " must be base64 of a JSON FHIR "
              + resourceType
              + " resource",
          null);
    }
    if (identified && !hasIdentifier(resource)) {
      throw BarsError.REC_BAD_REQUEST.exception(
          "The BaRS header " + header + " must carry an identifier with system and value", null);
    }
  }

  private static boolean hasIdentifier(JsonNode resource) {
    for (JsonNode identifier : resource.path("identifier")) {
      if (!identifier.path("system").asText("").isBlank()
          && !identifier.path("value").asText("").isBlank()) {
        return true;
      }
    }
    return false;
  }

  private JsonNode decode(String header) {
    try {
      return json.readTree(Base64.getDecoder().decode(header.trim()));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }

  private String targetService(String header) {
    JsonNode identifier = decode(header);
    if (identifier == null || !identifier.isObject()) {
      throw BarsError.PROXY_BAD_REQUEST.exception(
          "The base64 decoding of the "
              + TARGET
              + " header failed: it must be base64 of a JSON identifier"
              + " {\"system\": ..., \"value\": ...}",
          null);
    }
    String system = identifier.path("system").asText("");
    String value = identifier.path("value").asText("");
    if (system.isBlank() || value.isBlank()) {
      throw BarsError.PROXY_BAD_REQUEST.exception(
          "Invalid schema for the " + TARGET + " header: it needs a system and a value", null);
    }
    return directory
        .byIdentifier(system, value)
        .map(DirectoryService::serviceId)
        .orElseThrow(
            () ->
                BarsError.PROXY_NOT_FOUND.exception(
                    TARGET
                        + " names "
                        + system
                        + "|"
                        + value
                        + ", which is not an active service in the directory",
                    null));
  }
}
