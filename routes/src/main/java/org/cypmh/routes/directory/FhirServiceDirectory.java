package org.cypmh.routes.directory;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * The directory as stored FHIR resources, read on every question; {@link CachedServiceDirectory}
 * keeps its answers.
 */
class FhirServiceDirectory implements ServiceDirectory {

  private static final String CONNECTION_TYPES =
      "http://terminology.hl7.org/CodeSystem/endpoint-connection-type";

  private final DaoRegistry daoRegistry;

  FhirServiceDirectory(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  @Override
  public Optional<DirectoryService> byId(String serviceId) {
    return search(HealthcareService.SP_IDENTIFIER, new TokenParam(SERVICE_ID_SYSTEM, serviceId))
        .stream()
        .findFirst();
  }

  @Override
  public Optional<DirectoryService> byIdentifier(String system, String value) {
    if (SERVICE_ID_SYSTEM.equals(system)) {
      return byId(value);
    }
    if (ODS_SYSTEM.equals(system)) {
      SearchParameterMap byOds =
          SearchParameterMap.newSynchronous(
              Organization.SP_IDENTIFIER, new TokenParam(system, value));
      return daoRegistry
          .getResourceDao(Organization.class)
          .search(byOds, new SystemRequestDetails())
          .getAllResources()
          .stream()
          .flatMap(
              org ->
                  ofOrganisation(
                      ((Resource) org).getIdElement().toUnqualifiedVersionless().getValue())
                      .stream())
          .filter(service -> service.endpoint() != null)
          .findFirst();
    }
    return search(HealthcareService.SP_IDENTIFIER, new TokenParam(system, value)).stream()
        .findFirst();
  }

  @Override
  public List<DirectoryService> ofType(String serviceType) {
    return search(
        HealthcareService.SP_SERVICE_TYPE,
        new TokenParam(TerminologyContent.SERVICE_TYPE_SYSTEM, serviceType));
  }

  @Override
  public List<DirectoryService> ofOrganisation(String organisation) {
    return search(HealthcareService.SP_ORGANIZATION, new ReferenceParam(organisation));
  }

  private List<DirectoryService> search(String parameter, IQueryParameterType value) {
    SearchParameterMap query = SearchParameterMap.newSynchronous(parameter, value);
    query.add(HealthcareService.SP_ACTIVE, new TokenParam("true"));
    return daoRegistry
        .getResourceDao(HealthcareService.class)
        .search(query, new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(HealthcareService.class::cast)
        .map(this::toDirectoryService)
        .toList();
  }

  private DirectoryService toDirectoryService(HealthcareService service) {
    Set<String> types = new LinkedHashSet<>();
    service.getType().forEach(t -> t.getCoding().forEach(c -> types.add(c.getCode())));
    Range ages =
        service.hasExtension(AGE_RANGE_EXTENSION)
            ? (Range) service.getExtensionByUrl(AGE_RANGE_EXTENSION).getValue()
            : new Range();
    Set<String> districts = new LinkedHashSet<>();
    Set<String> schools = new LinkedHashSet<>();
    for (Reference area : service.getCoverageArea()) {
      if (area.getResource() instanceof Location location) {
        if (location.getAddress().hasPostalCode()) {
          districts.add(location.getAddress().getPostalCode().trim().toUpperCase());
        }
        location.getIdentifier().stream()
            .filter(i -> SCHOOL_URN_SYSTEM.equals(i.getSystem()))
            .forEach(i -> schools.add(i.getValue()));
      }
    }
    return new DirectoryService(
        service.getIdentifier().stream()
            .filter(i -> SERVICE_ID_SYSTEM.equals(i.getSystem()))
            .map(i -> i.getValue())
            .findFirst()
            .orElse(service.getIdElement().getIdPart()),
        service.getIdElement().toUnqualifiedVersionless().getValue(),
        service.getName(),
        service.getProvidedBy().getReference(),
        odsCodeOf(service.getProvidedBy()).orElse(null),
        Set.copyOf(types),
        ages.hasLow() ? ages.getLow().getValue().intValue() : null,
        ages.hasHigh() ? ages.getHigh().getValue().intValue() : null,
        Set.copyOf(districts),
        Set.copyOf(schools),
        service.getEndpoint().stream()
            .map(this::activeEndpoint)
            .flatMap(Optional::stream)
            .findFirst()
            .orElse(null));
  }

  /** The providing Organization's ODS code; none if it has none or is not stored. */
  private Optional<String> odsCodeOf(Reference organisation) {
    IIdType id = organisation.getReferenceElement();
    if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart() || id.isAbsolute()) {
      return Optional.empty();
    }
    try {
      return daoRegistry
          .getResourceDao(Organization.class)
          .read(id.toUnqualifiedVersionless(), new SystemRequestDetails())
          .getIdentifier()
          .stream()
          .filter(i -> ODS_SYSTEM.equals(i.getSystem()) && i.hasValue())
          .map(Identifier::getValue)
          .findFirst();
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  private Optional<PartnerEndpoint> activeEndpoint(Reference reference) {
    Endpoint endpoint;
    try {
      endpoint =
          daoRegistry
              .getResourceDao(Endpoint.class)
              .read(reference.getReferenceElement(), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
    if (endpoint.getStatus() != Endpoint.EndpointStatus.ACTIVE) {
      return Optional.empty();
    }
    Connection connection =
        CONNECTION_TYPES.equals(endpoint.getConnectionType().getSystem())
                && "hl7-fhir-msg".equals(endpoint.getConnectionType().getCode())
            ? Connection.BARS_MESSAGE
            : Connection.FHIR_REST;
    String credentials =
        endpoint.hasExtension(CREDENTIALS_EXTENSION)
            ? ((StringType) endpoint.getExtensionByUrl(CREDENTIALS_EXTENSION).getValue()).getValue()
            : null;
    return Optional.of(
        new PartnerEndpoint(
            ((Resource) endpoint).getIdElement().toUnqualifiedVersionless().getValue(),
            endpoint.getAddress(),
            connection,
            credentials));
  }
}
