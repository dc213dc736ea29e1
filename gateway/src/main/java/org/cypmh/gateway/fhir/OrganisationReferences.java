package org.cypmh.gateway.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.cypmh.profiles.api.ConformancePackage;
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

  private final DaoRegistry daoRegistry;

  OrganisationReferences(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  public boolean names(Reference reference, String ods) {
    return ods != null && organisationsOf(reference).contains(ods.toUpperCase(Locale.ROOT));
  }

  /**
   * The ODS codes (upper case) of the organisations a reference names; empty when it names none the
   * gateway can tell (a practitioner, a school by URN, a display only, a record not held).
   */
  public Set<String> organisationsOf(Reference reference) {
    if (reference == null || reference.isEmpty()) {
      return Set.of();
    }
    if (isOds(reference.getIdentifier())) {
      return Set.of(reference.getIdentifier().getValue().toUpperCase(Locale.ROOT));
    }
    IIdType target = reference.getReferenceElement();
    if (target.getResourceType() == null || !target.hasIdPart() || target.isAbsolute()) {
      return Set.of();
    }
    try {
      return switch (target.getResourceType()) {
        case "Organization" -> odsCodes(((Organization) read(target)).getIdentifier());
        case "HealthcareService" ->
            organisationsOf(((HealthcareService) read(target)).getProvidedBy());
        case "PractitionerRole" ->
            organisationsOf(((PractitionerRole) read(target)).getOrganization());
        default -> Set.of();
      };
    } catch (BaseServerResponseException e) {
      return Set.of();
    }
  }

  private static Set<String> odsCodes(List<Identifier> identifiers) {
    return identifiers.stream()
        .filter(OrganisationReferences::isOds)
        .map(identifier -> identifier.getValue().toUpperCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
  }

  private Object read(IIdType id) {
    return daoRegistry
        .getResourceDao(id.getResourceType())
        .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
  }

  private static boolean isOds(Identifier identifier) {
    return identifier != null
        && ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(identifier.getSystem())
        && identifier.hasValue();
  }
}
