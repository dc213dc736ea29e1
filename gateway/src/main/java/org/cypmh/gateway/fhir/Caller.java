package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/**
 * Who is calling the FHIR API: a partner organisation or the gateway's own operator; and from which
 * network address. The security layer ({@code gateway.security}) decides who that is for each HTTP
 * request, from the authenticated certificate or token (or, in trusted-header mode only, from NHS
 * APIs' {@code NHSD-End-User-Organisation-ODS} header) and records it on the request with {@link
 * #bind}; this is the one place that reads it.
 *
 * @param odsCode the partner's ODS code, or null for the operator; {@link #MALFORMED} when the
 *     header is not an ODS code or nobody was bound (treated as an unknown partner: nothing is
 *     shown it by default)
 * @param address the client's network address, or null
 */
public record Caller(String odsCode, String address) {

  public static final String ODS_HEADER = "NHSD-End-User-Organisation-ODS";
  public static final String MALFORMED = "MALFORMED";
  private static final Pattern ODS_CODE = Pattern.compile("[A-Za-z0-9]{1,12}");
  private static final String ATTRIBUTE = Caller.class.getName();
  private static final String OPERATOR = "";

  public static Caller of(RequestDetails request) {
    if (!(request instanceof ServletRequestDetails servlet)) {
      // The gateway's own internal requests (SystemRequestDetails) act for the operator.
      return new Caller(null, null);
    }
    HttpServletRequest http = servlet.getServletRequest();
    Object bound = http.getAttribute(ATTRIBUTE);
    String address = http.getRemoteAddr();
    if (!(bound instanceof String ods)) {
      // Fail closed: a request that did not pass the security layer is nobody's.
      return new Caller(MALFORMED, address);
    }
    return new Caller(OPERATOR.equals(ods) ? null : ods, address);
  }

  /** Records the authenticated partner organisation (or, with null, the operator) on a request. */
  public static void bind(HttpServletRequest request, String odsCode) {
    request.setAttribute(ATTRIBUTE, odsCode == null ? OPERATOR : normalise(odsCode));
  }

  /** The header's organisation, for trusted-header mode: absent is the operator. */
  public static void bindFromHeader(HttpServletRequest request) {
    String header = request.getHeader(ODS_HEADER);
    bind(request, header == null || header.isBlank() ? null : header);
  }

  private static String normalise(String ods) {
    String trimmed = ods.trim();
    return ODS_CODE.matcher(trimmed).matches() ? trimmed.toUpperCase() : MALFORMED;
  }

  public boolean isMalformed() {
    return MALFORMED.equals(odsCode);
  }

  public boolean isPartner() {
    return odsCode != null;
  }
}
