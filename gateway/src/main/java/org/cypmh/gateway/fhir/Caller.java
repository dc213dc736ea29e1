package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;

/**
 * Who is calling the FHIR API: a partner organisation (named by NHS APIs' {@code
 * NHSD-End-User-Organisation-ODS} header) or, without it, the gateway's own operator; and from
 * which network address. Partner authentication (a later issue) binds the organisation to the
 * authenticated certificate or token; until then this is the one place that reads it.
 *
 * @param odsCode the partner's ODS code, or null for the operator
 * @param address the client's network address, or null
 */
public record Caller(String odsCode, String address) {

  public static final String ODS_HEADER = "NHSD-End-User-Organisation-ODS";

  public static Caller of(RequestDetails request) {
    String ods = request.getHeader(ODS_HEADER);
    String address =
        request instanceof ServletRequestDetails servlet
            ? servlet.getServletRequest().getRemoteAddr()
            : null;
    return new Caller(ods == null || ods.isBlank() ? null : ods.trim(), address);
  }

  public boolean isPartner() {
    return odsCode != null;
  }
}
