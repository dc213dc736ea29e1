package org.cypmh.gateway.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.ServletRequest;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;

/**
 * Marks an inbound request as audited, on the servlet request itself, so that the last line of
 * defence (a request refused before or by the FHIR server) knows whether it still owes a record.
 */
final class AuditedRequests {

  private static final String AUDITED = AuditedRequests.class.getName();

  private AuditedRequests() {}

  static void mark(RequestDetails request) {
    if (request instanceof ServletRequestDetails servlet) {
      servlet.getServletRequest().setAttribute(AUDITED, Boolean.TRUE);
    }
  }

  static boolean isAudited(RequestDetails request) {
    return request instanceof ServletRequestDetails servlet
        && isAudited(servlet.getServletRequest());
  }

  static boolean isAudited(ServletRequest request) {
    return request.getAttribute(AUDITED) != null;
  }

  /**
   * The RESTful interaction a bare HTTP method most likely was, when the server never parsed it.
   */
  static String interaction(String method) {
    return switch (method) {
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "read";
    };
  }

  /** What a request does to data, from its HTTP method; an operation is an execute. */
  static AuditEventAction action(String method, boolean operation) {
    if (operation && ("POST".equals(method) || "GET".equals(method))) {
      return AuditEventAction.E;
    }
    return switch (method) {
      case "POST" -> AuditEventAction.C;
      case "PUT", "PATCH" -> AuditEventAction.U;
      case "DELETE" -> AuditEventAction.D;
      default -> AuditEventAction.R;
    };
  }
}
