package org.cypmh.gateway.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * The GP practices a young person is registered with ({@code Patient.generalPractitioner}), as
 * {@link ConsentRules} compares them with a GP practice reader: upper-case ODS codes and {@code
 * Organization/id} references. A practice is named by an Organization reference, an identifier-only
 * reference with the ODS code, or a PractitionerRole whose organization is the practice; the stored
 * Organization and PractitionerRole are looked up for their ODS code.
 */
@Component
class GpRegistrations {

  private final DaoRegistry daoRegistry;

  GpRegistrations(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  /** The practices, resolving stored Organizations and PractitionerRoles; empty if none. */
  Set<String> practicesOf(Patient patient) {
    Set<String> practices = new LinkedHashSet<>();
    if (patient == null) {
      return practices;
    }
    for (Reference practice : patient.getGeneralPractitioner()) {
      addPractice(practice, practices, true);
    }
    return practices;
  }

  /**
   * The practices the references themselves name, without looking anything up (identifier-only
   * references and Organization references).
   */
  static Set<String> named(Patient patient) {
    Set<String> practices = new LinkedHashSet<>();
    if (patient != null) {
      patient.getGeneralPractitioner().forEach(p -> addNamed(p, practices));
    }
    return practices;
  }

  private void addPractice(Reference practice, Set<String> practices, boolean followRole) {
    addNamed(practice, practices);
    IIdType id = practice.getReferenceElement();
    if (!id.hasIdPart() || id.isAbsolute()) {
      return;
    }
    try {
      if ("Organization".equals(id.getResourceType())) {
        Organization organisation =
            daoRegistry
                .getResourceDao(Organization.class)
                .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
        organisation.getIdentifier().stream()
            .filter(
                i ->
                    ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(i.getSystem())
                        && i.hasValue())
            .map(Identifier::getValue)
            .forEach(ods -> practices.add(ods.toUpperCase(Locale.ROOT)));
      } else if (followRole && "PractitionerRole".equals(id.getResourceType())) {
        PractitionerRole role =
            daoRegistry
                .getResourceDao(PractitionerRole.class)
                .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
        if (role.hasOrganization()) {
          addPractice(role.getOrganization(), practices, false);
        }
      }
    } catch (BaseServerResponseException e) {
      // Not stored (or not a resource type this gateway serves): it names no practice.
    }
  }

  private static void addNamed(Reference practice, Set<String> practices) {
    if (practice.hasIdentifier()
        && ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(practice.getIdentifier().getSystem())
        && practice.getIdentifier().hasValue()) {
      practices.add(practice.getIdentifier().getValue().toUpperCase(Locale.ROOT));
    }
    IIdType id = practice.getReferenceElement();
    if (id.hasIdPart() && "Organization".equals(id.getResourceType())) {
      practices.add(id.toUnqualifiedVersionless().getValue());
    }
  }
}
