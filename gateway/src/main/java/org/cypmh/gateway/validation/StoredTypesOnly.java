package org.cypmh.gateway.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.hl7.fhir.common.hapi.validation.support.BaseValidationSupportWrapper;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The gateway's stored resources as a validation source, asked only for types it stores: a BaRS
 * message may carry a QuestionnaireResponse whose Questionnaire the gateway does not serve, and the
 * validator looking the Questionnaire up must find nothing, not fail the request ("does not know
 * how to handle resources of type Questionnaire").
 */
final class StoredTypesOnly extends BaseValidationSupportWrapper {

  private final DaoRegistry daoRegistry;

  StoredTypesOnly(FhirContext fhirContext, IValidationSupport stored, DaoRegistry daoRegistry) {
    super(fhirContext, stored);
    this.daoRegistry = daoRegistry;
  }

  @Override
  public <T extends IBaseResource> T fetchResource(Class<T> type, String uri) {
    if (type != null && !IBaseResource.class.equals(type)) {
      String name = getFhirContext().getResourceType(type);
      if (!daoRegistry.isResourceTypeSupported(name)) {
        return null;
      }
    }
    return super.fetchResource(type, uri);
  }

  @Override
  public String getName() {
    return "stored resources (served types only)";
  }
}
