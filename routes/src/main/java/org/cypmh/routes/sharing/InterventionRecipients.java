package org.cypmh.routes.sharing;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.delivery.Deliveries;
import org.cypmh.routes.delivery.Delivery;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.ServiceDirectory;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Who should know about a young person's brief interventions: the CAMHS services that received
 * their referrals (the services that own their care), and their GP practice. The organisation that
 * delivered the intervention is left out: it already knows.
 */
@Component
class InterventionRecipients {

  static final String CAMHS_SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/ValueSet/cypmh-camhs-service-type";
  static final String SERVICE_TYPE_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type";
  static final String GP_PRACTICE = "gp-practice";

  private final Deliveries deliveries;
  private final ServiceDirectory directory;
  private final ValueSetMembership terminology;
  private final DaoRegistry daoRegistry;

  InterventionRecipients(
      Deliveries deliveries,
      ServiceDirectory directory,
      ValueSetMembership terminology,
      DaoRegistry daoRegistry) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.terminology = terminology;
    this.daoRegistry = daoRegistry;
  }

  /**
   * The destinations, each once, by the reason it was chosen ({@code owning-camhs}, {@code gp}).
   *
   * @param performers the organisations that delivered the interventions (references as stored)
   */
  Map<DirectoryService, String> of(Patient patient, Set<String> performers) {
    Map<DirectoryService, String> recipients = new LinkedHashMap<>();
    String patientId = patient.getIdElement().toUnqualifiedVersionless().getValue();
    for (Delivery received : deliveries.ofPatient(patientId, Delivery.Status.DELIVERED)) {
      directory
          .byId(received.serviceId())
          .filter(this::isCamhs)
          .ifPresent(service -> recipients.putIfAbsent(service, "owning-camhs"));
    }
    for (Reference practice : patient.getGeneralPractitioner()) {
      String organisation = organisation(practice);
      if (organisation == null) {
        continue;
      }
      for (DirectoryService service : directory.ofOrganisation(organisation)) {
        if (service.types().contains(GP_PRACTICE)) {
          recipients.putIfAbsent(service, "gp");
        }
      }
    }
    recipients.keySet().removeIf(service -> performers.contains(service.organization()));
    return recipients;
  }

  private boolean isCamhs(DirectoryService service) {
    return service.types().stream()
        .anyMatch(type -> terminology.validateCode(CAMHS_SERVICE_TYPES, SERVICE_TYPE_SYSTEM, type));
  }

  /** The stored Organization a GP reference names, by id or by ODS code; null if unknown. */
  private String organisation(Reference practice) {
    if (practice.getReferenceElement().hasIdPart()
        && "Organization".equals(practice.getReferenceElement().getResourceType())) {
      return practice.getReferenceElement().toUnqualifiedVersionless().getValue();
    }
    if (!practice.hasIdentifier()
        || !RoutableReferral.ODS_SYSTEM.equals(practice.getIdentifier().getSystem())) {
      return null;
    }
    List<?> found =
        daoRegistry
            .getResourceDao(Organization.class)
            .search(
                SearchParameterMap.newSynchronous(
                    Organization.SP_IDENTIFIER,
                    new TokenParam(
                        RoutableReferral.ODS_SYSTEM, practice.getIdentifier().getValue())),
                new SystemRequestDetails())
            .getAllResources();
    return found.isEmpty()
        ? null
        : ((Organization) found.get(0)).getIdElement().toUnqualifiedVersionless().getValue();
  }
}
