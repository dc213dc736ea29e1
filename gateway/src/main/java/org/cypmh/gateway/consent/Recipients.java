package org.cypmh.gateway.consent;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.LookupCodeResult;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.stereotype.Component;

/**
 * Recipients as consent sees them, from the service directory: a directory service (routing), or an
 * organisation by its ODS code with every service it provides (a partner reading).
 */
@Component
public class Recipients {

  private final DaoRegistry daoRegistry;
  private final ServiceDirectory directory;
  private final IValidationSupport terminology;
  // Service types and their sectors are packaged terminology: stable while the gateway runs.
  private final Map<String, String> sectors = new ConcurrentHashMap<>();

  Recipients(DaoRegistry daoRegistry, ServiceDirectory directory, IValidationSupport terminology) {
    this.daoRegistry = daoRegistry;
    this.directory = directory;
    this.terminology = terminology;
  }

  Recipient of(DirectoryService service) {
    return new Recipient(
        service.organization(),
        service.organizationOdsCode(),
        service.serviceId(),
        service.types(),
        sector(service.types()),
        service.name());
  }

  /** The organisation with this ODS code, or empty if the directory does not know it. */
  public Optional<Recipient> byOdsCode(String odsCode) {
    SearchParameterMap query =
        SearchParameterMap.newSynchronous(
            Organization.SP_IDENTIFIER,
            new TokenParam(ConformancePackage.ODS_ORGANIZATION_SYSTEM, odsCode));
    List<Organization> found =
        daoRegistry
            .getResourceDao(Organization.class)
            .search(query, new SystemRequestDetails())
            .getAllResources()
            .stream()
            .map(Organization.class::cast)
            .toList();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Organization organisation = found.get(0);
    String reference = organisation.getIdElement().toUnqualifiedVersionless().getValue();
    Set<String> types = new LinkedHashSet<>();
    directory.ofOrganisation(reference).forEach(s -> types.addAll(s.types()));
    return Optional.of(
        new Recipient(reference, odsCode, null, types, sector(types), organisation.getName()));
  }

  /** The sector of the service types; if they span sectors, none (the strictest policy applies). */
  private String sector(Set<String> serviceTypes) {
    Set<String> found = new LinkedHashSet<>();
    for (String type : serviceTypes) {
      String sector = sectors.get(type);
      if (sector == null) {
        sector = lookUpSector(type).orElse(null);
        if (sector != null) {
          sectors.put(type, sector);
        }
      }
      if (sector != null) {
        found.add(sector);
      }
    }
    return found.size() == 1 ? found.iterator().next() : null;
  }

  private Optional<String> lookUpSector(String serviceType) {
    LookupCodeResult result =
        terminology.lookupCode(
            new ValidationSupportContext(terminology),
            new LookupCodeRequest(
                TerminologyContent.SERVICE_TYPE_SYSTEM, serviceType, null, Set.of("sector")));
    if (result == null || !result.isFound()) {
      return Optional.empty();
    }
    return result.getProperties().stream()
        .filter(p -> "sector".equals(p.getPropertyName()))
        .map(
            p ->
                p instanceof IValidationSupport.CodingConceptProperty coding
                    ? coding.getCode()
                    : p instanceof IValidationSupport.StringConceptProperty string
                        ? string.getValue()
                        : null)
        .filter(java.util.Objects::nonNull)
        .findFirst();
  }
}
