package org.cypmh.routes.directory;

import java.util.List;
import java.util.Optional;

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

  /** Active services offering this service type ({@code cypmh-service-type} code). */
  List<DirectoryService> ofType(String serviceType);

  /** Active services the organisation provides, e.g. {@code Organization/riverside-surgery}. */
  List<DirectoryService> ofOrganisation(String organisation);
}
