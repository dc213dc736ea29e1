package org.cypmh.gateway.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Whether a reference names an organisation (by its ODS code): directly by identifier, through a
 * stored Organization, through a HealthcareService it provides, or through a PractitionerRole in
 * it. The one place that decides who a requester, owner, author or performer is, for ownership and
 * visibility. A reference the gateway does not hold names nobody (fail closed).
 */
@Component
public class OrganisationReferences {

  public static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

  private final DaoRegistry daoRegistry;

  OrganisationReferences(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  public boolean names(Reference reference, String ods) {
    if (reference == null || reference.isEmpty() || ods == null) {
      return false;
    }
    if (isOds(reference.getIdentifier(), ods)) {
      return true;
    }
    IIdType target = reference.getReferenceElement();
    if (target.getResourceType() == null || !target.hasIdPart() || target.isAbsolute()) {
      return false;
    }
    try {
      return switch (target.getResourceType()) {
        case "Organization" -> organisationIs(target, ods);
        case "HealthcareService" -> names(((HealthcareService) read(target)).getProvidedBy(), ods);
        case "PractitionerRole" -> names(((PractitionerRole) read(target)).getOrganization(), ods);
        default -> false;
      };
    } catch (BaseServerResponseException e) {
      return false;
    }
  }

  private boolean organisationIs(IIdType id, String ods) {
    Organization organisation = (Organization) read(id);
    return organisation.getIdentifier().stream().anyMatch(identifier -> isOds(identifier, ods));
  }

  private Object read(IIdType id) {
    return daoRegistry
        .getResourceDao(id.getResourceType())
        .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
  }

  private static boolean isOds(Identifier identifier, String ods) {
    return identifier != null
        && ODS_SYSTEM.equals(identifier.getSystem())
        && ods.equalsIgnoreCase(identifier.getValue());
  }
}
