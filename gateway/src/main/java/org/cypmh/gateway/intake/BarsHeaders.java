package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.routes.directory.ServiceDirectory;
import org.springframework.stereotype.Component;

/**
 * BaRS transport headers on {@code $process-message}: {@code X-Request-Id} and {@code
 * X-Correlation-Id} are required, and both are echoed on the response (errors included), so the
 * sender's BaRS client can match our answer to its request.
 *
 * <p>{@code NHSD-Target-Identifier} (base64 of {@code {"system": ..., "value": ...}}) names the
 * directory service the sender wants: the gateway then acts as a proxy, delivering the referral to
 * that service instead of routing it by the rules. A target that is malformed or not an active
 * directory service is refused before anything is stored.
 */
@Component
class BarsHeaders implements FhirServerInterceptor {

  static final String REQUEST_ID = "X-Request-Id";
  static final String CORRELATION_ID = "X-Correlation-Id";
  static final String TARGET = "NHSD-Target-Identifier";
  private static final String TARGET_SERVICE = BarsHeaders.class.getName() + ".targetService";

  private final ServiceDirectory directory;
  private final ObjectMapper json = new ObjectMapper();

  BarsHeaders(ServiceDirectory directory) {
    this.directory = directory;
  }

  /** The directory service the request named as its target, or null. */
  static String targetService(RequestDetails request) {
    return request == null ? null : (String) request.getUserData().get(TARGET_SERVICE);
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  void requireAndEcho(ServletRequestDetails request) {
    if (!"$process-message".equals(request.getOperation())) {
      return;
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
      request.getServletResponse().setHeader(header, value);
    }
    String target = request.getHeader(TARGET);
    if (target != null) {
      request.getUserData().put(TARGET_SERVICE, targetService(target));
    }
  }

  private String targetService(String header) {
    String system;
    String value;
    try {
      JsonNode identifier = json.readTree(Base64.getDecoder().decode(header.trim()));
      system = identifier.path("system").asText(null);
      value = identifier.path("value").asText(null);
    } catch (IllegalArgumentException | IOException e) {
      throw BarsError.REC_BAD_REQUEST.exception(
          TARGET + " must be base64 of a JSON identifier {\"system\": ..., \"value\": ...}", null);
    }
    if (!ServiceDirectory.SERVICE_ID_SYSTEM.equals(system) || value == null || value.isBlank()) {
      throw BarsError.REC_BAD_REQUEST.exception(
          TARGET + " must name a service with system " + ServiceDirectory.SERVICE_ID_SYSTEM, null);
    }
    if (directory.byId(value).isEmpty()) {
      throw BarsError.REC_NOT_FOUND.exception(
          TARGET + " names " + value + ", which is not an active service in the directory", null);
    }
    return value;
  }
}
