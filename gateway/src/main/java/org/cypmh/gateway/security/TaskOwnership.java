package org.cypmh.gateway.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Organisation binding for Tasks: a partner sees only Tasks its organisation requested or owns
 * (requester or owner naming its ODS code, directly, through its Organization, or through a
 * HealthcareService its Organization provides). Others' Tasks are left out of searches, includes
 * and later pages, and a read of one answers as if it did not exist (HAPI's consent hook, which
 * filters search results, not only reads). The operator sees every Task. Enforced mode only.
 */
@Component
@ConditionalOnProperty(
    name = "gateway.security.mode",
    havingValue = "enforced",
    matchIfMissing = true)
class TaskOwnership extends ConsentInterceptor implements FhirServerInterceptor {

  static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

  TaskOwnership(DaoRegistry daoRegistry) {
    super(new OwnTasksOnly(daoRegistry));
  }

  private record OwnTasksOnly(DaoRegistry daoRegistry) implements IConsentService {

    @Override
    public ConsentOutcome canSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      return decide(request, resource);
    }

    @Override
    public ConsentOutcome willSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      return decide(request, resource);
    }

    private ConsentOutcome decide(RequestDetails request, IBaseResource resource) {
      if (!(resource instanceof Task task)) {
        return ConsentOutcome.PROCEED;
      }
      Caller caller = Caller.of(request);
      if (!caller.isPartner()) {
        return ConsentOutcome.PROCEED;
      }
      return names(task.getRequester(), caller.odsCode())
              || names(task.getOwner(), caller.odsCode())
          ? ConsentOutcome.PROCEED
          : ConsentOutcome.REJECT;
    }

    private boolean names(Reference reference, String ods) {
      if (reference == null || reference.isEmpty()) {
        return false;
      }
      if (isOds(reference.getIdentifier(), ods)) {
        return true;
      }
      String target = reference.getReferenceElement().getResourceType();
      if (target == null || !reference.getReferenceElement().hasIdPart()) {
        return false;
      }
      try {
        if ("Organization".equals(target)) {
          return organisationIs(reference, ods);
        }
        if ("HealthcareService".equals(target)) {
          HealthcareService service =
              (HealthcareService)
                  daoRegistry
                      .getResourceDao("HealthcareService")
                      .read(
                          reference.getReferenceElement().toUnqualifiedVersionless(),
                          new SystemRequestDetails());
          return names(service.getProvidedBy(), ods);
        }
      } catch (BaseServerResponseException e) {
        // A reference the gateway does not hold names nobody.
        return false;
      }
      return false;
    }

    private boolean organisationIs(Reference reference, String ods) {
      Organization organisation =
          (Organization)
              daoRegistry
                  .getResourceDao("Organization")
                  .read(
                      reference.getReferenceElement().toUnqualifiedVersionless(),
                      new SystemRequestDetails());
      return organisation.getIdentifier().stream().anyMatch(identifier -> isOds(identifier, ods));
    }

    private static boolean isOds(Identifier identifier, String ods) {
      return identifier != null
          && ODS_SYSTEM.equals(identifier.getSystem())
          && ods.equalsIgnoreCase(identifier.getValue());
    }
  }
}
