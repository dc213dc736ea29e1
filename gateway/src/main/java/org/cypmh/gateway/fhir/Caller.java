package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.regex.Pattern;

/**
 * Who is calling the FHIR API: a partner organisation (named by NHS APIs' {@code
 * NHSD-End-User-Organisation-ODS} header) or, without it, the gateway's own operator; and from
 * which network address. Partner authentication (a later issue) binds the organisation to the
 * authenticated certificate or token; until then this is the one place that reads it.
 *
 * @param odsCode the partner's ODS code, or null for the operator; {@link #MALFORMED} when the
 *     header is not an ODS code (treated as an unknown partner: nothing is shown it by default)
 * @param address the client's network address, or null
 */
public record Caller(String odsCode, String address) {

  public static final String ODS_HEADER = "NHSD-End-User-Organisation-ODS";
  public static final String MALFORMED = "MALFORMED";
  private static final Pattern ODS_CODE = Pattern.compile("[A-Za-z0-9]{1,12}");

  public static Caller of(RequestDetails request) {
    String header = request.getHeader(ODS_HEADER);
    String address =
        request instanceof ServletRequestDetails servlet
            ? servlet.getServletRequest().getRemoteAddr()
            : null;
    if (header == null || header.isBlank()) {
      return new Caller(null, address);
    }
    String ods = header.trim();
    return new Caller(ODS_CODE.matcher(ods).matches() ? ods.toUpperCase() : MALFORMED, address);
  }

  public boolean isMalformed() {
    return MALFORMED.equals(odsCode);
  }

  public boolean isPartner() {
    return odsCode != null;
  }
}
