package org.cypmh.gateway.audit;

import java.time.Instant;

/**
 * What an auditor searches the trail by; null fields do not restrict.
 *
 * @param patient {@code Patient/123}
 * @param agent the partner or service as {@code system|value} (ODS code, directory service id)
 * @param type event type code
 * @param subtype event subtype code
 * @param outcome outcome code (0, 4, 8, 12)
 * @param from recorded at or after
 * @param to recorded before
 * @param requestId the request (X-Request-ID) the events belong to
 */
public record AuditQuery(
    String patient,
    String agent,
    String type,
    String subtype,
    String outcome,
    Instant from,
    Instant to,
    String requestId) {

  public static AuditQuery ofPatient(String patient) {
    return new AuditQuery(patient, null, null, null, null, null, null, null);
  }
}
