package org.cypmh.routes.api;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.List;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * The directory services of a young person's GP practice ({@code Patient.generalPractitioner}, by
 * Organization reference or by ODS code), of service type {@code gp-practice}.
 */
@Component
public class GpPractices {

  static final String GP_PRACTICE = "gp-practice";

  private final ServiceDirectory directory;
  private final DaoRegistry daoRegistry;

  GpPractices(ServiceDirectory directory, DaoRegistry daoRegistry) {
    this.directory = directory;
    this.daoRegistry = daoRegistry;
  }

  public List<DirectoryService> of(Patient patient) {
    List<DirectoryService> practices = new ArrayList<>();
    for (Reference practice : patient.getGeneralPractitioner()) {
      String organisation = organisation(practice);
      if (organisation == null) {
        continue;
      }
      directory.ofOrganisation(organisation).stream()
          .filter(service -> service.types().contains(GP_PRACTICE))
          .forEach(practices::add);
    }
    return practices;
  }

  /** The stored Organization a GP reference names, by id or by ODS code; null if unknown. */
  private String organisation(Reference practice) {
    if (practice.getReferenceElement().hasIdPart()
        && "Organization".equals(practice.getReferenceElement().getResourceType())) {
      return practice.getReferenceElement().toUnqualifiedVersionless().getValue();
    }
    if (!practice.hasIdentifier()
        || !ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(
            practice.getIdentifier().getSystem())) {
      return null;
    }
    List<?> found =
        daoRegistry
            .getResourceDao(Organization.class)
            .search(
                SearchParameterMap.newSynchronous(
                    Organization.SP_IDENTIFIER,
                    new TokenParam(
                        ConformancePackage.ODS_ORGANIZATION_SYSTEM,
                        practice.getIdentifier().getValue())),
                new SystemRequestDetails())
            .getAllResources();
    return found.isEmpty()
        ? null
        : ((Organization) found.get(0)).getIdElement().toUnqualifiedVersionless().getValue();
  }
}
