package org.cypmh.gateway.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Requests the security layer refuses get a FHIR OperationOutcome like every other error: 401
 * ({@code login}) without valid credentials, 403 ({@code forbidden}) without the role, 429 ({@code
 * throttled}) over the rate limit. The reason never echoes the credential.
 */
final class RefusalResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

  private final FhirContext fhirContext;

  RefusalResponses(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
      throws IOException {
    unauthenticated(
        response,
        request.getHeader("Authorization") == null
            ? "Authentication required: a registered client certificate (mutual TLS) or a bearer"
                + " access token from /oauth2/token"
            : "The access token is not valid (expired, not issued by this gateway, or its partner"
                + " is no longer registered)");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
      throws IOException {
    write(response, 403, IssueType.FORBIDDEN, "This partner's role does not allow this request");
  }

  void unauthenticated(HttpServletResponse response, String reason) throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer");
    write(response, 401, IssueType.LOGIN, reason);
  }

  void write(HttpServletResponse response, int status, IssueType type, String reason)
      throws IOException {
    OperationOutcome outcome = ErrorOutcome.of(type, reason);
    response.setStatus(status);
    response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=UTF-8");
    response.getWriter().write(fhirContext.newJsonParser().encodeResourceToString(outcome));
  }
}
