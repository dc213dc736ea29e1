package org.cypmh.terminology.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;

/**
 * HAPI's in-memory validation support chain with this module's content, as a consumer builds it.
 */
final class InMemoryChain {

  private InMemoryChain() {}

  static ValidationSupportChain of(FhirContext fhirContext) {
    return of(fhirContext, TerminologyContent.load(fhirContext));
  }

  static ValidationSupportChain of(
      FhirContext fhirContext, TerminologyContent content, IValidationSupport... extra) {
    ValidationSupportChain chain =
        new ValidationSupportChain(
            // Before the base definitions: they hold a content=not-present SNOMED CT CodeSystem
            // that would otherwise answer for http://snomed.info/sct and hide the fragment.
            TerminologySupports.prePopulated(fhirContext, content),
            new DefaultProfileValidationSupport(fhirContext),
            new InMemoryTerminologyServerValidationSupport(fhirContext),
            new CommonCodeSystemsTerminologyService(fhirContext),
            TerminologySupports.conceptMapTranslation(fhirContext, content));
    for (IValidationSupport support : extra) {
      chain.addValidationSupport(support);
    }
    return chain;
  }
}
