package org.cypmh.gateway.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;

/**
 * The real {@link OrganisationReferences}, for unit tests of other packages, over a given store.
 */
public final class TestOrganisationReferences {

  private TestOrganisationReferences() {}

  public static OrganisationReferences over(DaoRegistry daoRegistry) {
    return new OrganisationReferences(daoRegistry);
  }
}
