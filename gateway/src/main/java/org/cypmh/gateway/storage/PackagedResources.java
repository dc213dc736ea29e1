package org.cypmh.gateway.storage;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Stores resources the gateway ships with (conformance, terminology, the service directory; fixed
 * ids), idempotently: a resource whose stored copy already equals the packaged one is left alone,
 * so a restart creates no new version and triggers no re-indexing.
 */
@Component
public class PackagedResources {

  private final DaoRegistry daoRegistry;

  PackagedResources(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  /** Returns true if the resource was stored or updated, false if it was already current. */
  @SuppressWarnings("unchecked")
  public boolean storeIfChanged(Resource packaged) {
    IFhirResourceDao<Resource> dao =
        (IFhirResourceDao<Resource>) daoRegistry.getResourceDao(packaged.fhirType());
    SystemRequestDetails request = new SystemRequestDetails();
    Optional<Resource> stored = read(dao, packaged, request);
    if (stored.isPresent() && sameContent(stored.get(), packaged)) {
      return false;
    }
    dao.update(packaged, request);
    return true;
  }

  private static Optional<Resource> read(
      IFhirResourceDao<Resource> dao, Resource packaged, SystemRequestDetails request) {
    try {
      return Optional.of(dao.read(packaged.getIdElement().toUnqualifiedVersionless(), request));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  private static boolean sameContent(Resource stored, Resource packaged) {
    Resource storedCopy = stored.copy();
    Resource packagedCopy = packaged.copy();
    storedCopy.setMeta(null);
    packagedCopy.setMeta(null);
    storedCopy.setIdElement(null);
    packagedCopy.setIdElement(null);
    return storedCopy.equalsDeep(packagedCopy);
  }
}
