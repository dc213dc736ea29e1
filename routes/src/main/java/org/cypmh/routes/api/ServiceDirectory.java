package org.cypmh.routes.api;

import java.util.List;
import java.util.Optional;
import org.cypmh.profiles.api.ConformancePackage;

/** The services referrals can be delivered to, read from the FHIR directory resources. */
public interface ServiceDirectory {

  /** The system of the HealthcareService identifiers that routes name services by. */
  String SERVICE_ID_SYSTEM = "https://cypmh-gateway.org/fhir/Id/service";

  String AGE_RANGE_EXTENSION = "https://cypmh-gateway.org/fhir/StructureDefinition/eligible-age";

  String CREDENTIALS_EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/endpoint-credentials";

  String SCHOOL_URN_SYSTEM = "https://fhir.hl7.org.uk/Id/urn-school-number";

  /** The active service with this identifier. */
  Optional<DirectoryService> byId(String serviceId);

  /**
   * The active service a BaRS identifier names ({@code system|value}): our service id, an ODS code
   * of a directory Organization (its first service with an active endpoint), or any other
   * identifier a HealthcareService carries (e.g. a DoS service id).
   */
  default Optional<DirectoryService> byIdentifier(String system, String value) {
    return SERVICE_ID_SYSTEM.equals(system) ? byId(value) : Optional.empty();
  }

  /** The system of ODS organisation codes. */
  String ODS_SYSTEM = ConformancePackage.ODS_ORGANIZATION_SYSTEM;

  /** Active services offering this service type ({@code cypmh-service-type} code). */
  List<DirectoryService> ofType(String serviceType);

  /** Active services the organisation provides, e.g. {@code Organization/riverside-surgery}. */
  List<DirectoryService> ofOrganisation(String organisation);
}
