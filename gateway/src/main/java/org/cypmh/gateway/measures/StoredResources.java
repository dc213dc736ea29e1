package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;

/**
 * Reads a resource that may no longer be held (deleted, or never stored) without failing the figure
 * run or extract it is part of: a search by {@code _id} answers "none", where a DAO read would
 * throw and mark the whole surrounding transaction rollback-only.
 */
final class StoredResources {

  private StoredResources() {}

  /** The current version of {@code ResourceType/id} (a version or base is ignored), or null. */
  static IBaseResource find(DaoRegistry daoRegistry, String reference) {
    if (reference == null) {
      return null;
    }
    IdType id = new IdType(reference);
    if (id.getResourceType() == null
        || !id.hasIdPart()
        || !daoRegistry.isResourceTypeSupported(id.getResourceType())) {
      return null;
    }
    List<IBaseResource> found =
        daoRegistry
            .getResourceDao(id.getResourceType())
            .search(
                SearchParameterMap.newSynchronous(
                    IAnyResource.SP_RES_ID, new TokenParam(id.getIdPart())),
                new SystemRequestDetails())
            .getAllResources();
    return found.isEmpty() ? null : found.get(0);
  }
}
