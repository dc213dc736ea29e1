package org.cypmh.gateway.consent;

import java.util.Set;

/**
 * Who would receive the data: a directory service (routing) or a partner organisation (reads).
 *
 * @param organisation the Organization, e.g. {@code Organization/northshire-camhs}, or null
 * @param odsCode the organisation's ODS code, or null
 * @param serviceId the directory service identifier, or null for a whole organisation
 * @param serviceTypes its {@code cypmh-service-type} codes
 * @param sector the sector of those service types, or null if unknown
 * @param name what people call it
 */
public record Recipient(
    String organisation,
    String odsCode,
    String serviceId,
    Set<String> serviceTypes,
    String sector,
    String name) {

  /**
   * NHS England, which receives MHSDS submissions: the recipient of every national-reporting
   * question (the brief-intervention extract and the MHSDS tables), so a Consent can refuse it.
   */
  public static final Recipient NATIONAL_REPORTING =
      new Recipient(null, "X24", "mhsds", Set.of(), "national-reporting", "NHS England (MHSDS)");

  public Recipient {
    serviceTypes = Set.copyOf(serviceTypes);
  }
}
