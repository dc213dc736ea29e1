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

  public Recipient {
    serviceTypes = Set.copyOf(serviceTypes);
  }
}
