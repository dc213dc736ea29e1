package org.cypmh.routes.api;

import java.util.Set;

/**
 * A service in the directory as routing sees it: a HealthcareService with its eligibility and the
 * Endpoint that receives its referrals.
 *
 * @param serviceId the HealthcareService identifier routes name it by, e.g. {@code camhs-crisis}
 * @param resourceId the HealthcareService resource id, e.g. {@code HealthcareService/camhs-crisis}
 * @param name what people call it
 * @param organization the providing Organization's reference, e.g. {@code Organization/leeds-camhs}
 * @param organizationOdsCode that Organization's ODS code, or null if it has none (kept here so
 *     that consent, asked for every routing decision, need not read the Organization each time)
 * @param types service type codes ({@code cypmh-service-type})
 * @param minAge youngest eligible age in whole years, or null
 * @param maxAge oldest eligible age in whole years, or null
 * @param postcodeDistricts postcode districts covered (e.g. {@code LS6}); empty: anywhere
 * @param schoolUrns schools served (URN), for services that work in schools
 * @param endpoint where referrals go, or null if the service has no active endpoint
 */
public record DirectoryService(
    String serviceId,
    String resourceId,
    String name,
    String organization,
    String organizationOdsCode,
    Set<String> types,
    Integer minAge,
    Integer maxAge,
    Set<String> postcodeDistricts,
    Set<String> schoolUrns,
    PartnerEndpoint endpoint) {

  /** True if a young person of this age, living in this district or at this school, may use it. */
  public boolean serves(Integer ageYears, String postcodeDistrict, String schoolUrn) {
    if (ageYears != null) {
      if (minAge != null && ageYears < minAge) {
        return false;
      }
      if (maxAge != null && ageYears > maxAge) {
        return false;
      }
    }
    if (!schoolUrns.isEmpty()) {
      return schoolUrn != null && schoolUrns.contains(schoolUrn);
    }
    return postcodeDistricts.isEmpty()
        || (postcodeDistrict != null && postcodeDistricts.contains(postcodeDistrict));
  }
}
