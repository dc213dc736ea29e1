package org.cypmh.routes.api;

import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.api.ValueSetMembership;
import org.springframework.stereotype.Component;

/** Which directory services are children and young people's mental health services (CAMHS). */
@Component
public class CamhsServices {

  static final String CAMHS_SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/ValueSet/cypmh-camhs-service-type";

  private final ValueSetMembership terminology;

  CamhsServices(ValueSetMembership terminology) {
    this.terminology = terminology;
  }

  /** True if any of its service types is in the CAMHS service-type ValueSet. */
  public boolean isCamhs(DirectoryService service) {
    return service.types().stream()
        .anyMatch(
            type ->
                terminology.validateCode(
                    CAMHS_SERVICE_TYPES, TerminologyContent.SERVICE_TYPE_SYSTEM, type));
  }
}
