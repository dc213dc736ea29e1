package org.cypmh.routes.api;

import org.cypmh.terminology.api.ValueSetMembership;
import org.springframework.stereotype.Component;

/** Which directory services are children and young people's mental health services (CAMHS). */
@Component
public class CamhsServices {

  public static final String SERVICE_TYPE_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type";
  static final String CAMHS_SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/ValueSet/cypmh-camhs-service-type";

  private final ValueSetMembership terminology;

  CamhsServices(ValueSetMembership terminology) {
    this.terminology = terminology;
  }

  /** True if any of its service types is in the CAMHS service-type ValueSet. */
  public boolean isCamhs(DirectoryService service) {
    return service.types().stream()
        .anyMatch(type -> terminology.validateCode(CAMHS_SERVICE_TYPES, SERVICE_TYPE_SYSTEM, type));
  }
}
