package org.cypmh.terminology.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.cypmh.terminology.internal.ConceptMapTranslationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;

/**
 * Elements for a HAPI validation support chain that serve this module's content in memory. The
 * chain itself belongs to its consumer (fhir-profiles / gateway); these are the parts to add.
 */
public final class TerminologySupports {

  private TerminologySupports() {}

  /**
   * The packaged CodeSystems and ValueSets, for lookup, validate-code and expand through HAPI's
   * {@code InMemoryTerminologyServerValidationSupport}.
   *
   * <p>Put it <em>before</em> {@code DefaultProfileValidationSupport} in the chain: HAPI's R4 base
   * definitions contain a SNOMED CT CodeSystem with content {@code not-present}, which otherwise
   * answers for {@code http://snomed.info/sct} first and hides the fragment (lookups then return
   * nothing and ValueSet expansion fails).
   *
   * <p>Includes the SNOMED CT seed fragment. Where a full SNOMED CT edition is loaded (HAPI JPA),
   * do not add this element: its fragment would answer for {@code http://snomed.info/sct} instead
   * of the edition. A code outside the fragment validates with a warning ("Unknown code in fragment
   * CodeSystem"), not an error.
   */
  public static PrePopulatedValidationSupport prePopulated(
      FhirContext fhirContext, TerminologyContent content) {
    PrePopulatedValidationSupport support = new PrePopulatedValidationSupport(fhirContext);
    content.codeSystems().forEach(support::addCodeSystem);
    content.valueSets().forEach(support::addValueSet);
    return support;
  }

  /**
   * Answers {@link IValidationSupport#translateConcept} from the packaged ConceptMaps.
   *
   * <p>Needed because HAPI's in-memory supports do not translate: in HAPI 8.8 only the JPA
   * ConceptMap service and the remote terminology support implement {@code translateConcept}. Do
   * not add it to a JPA chain that also stores these ConceptMaps, or each target comes back twice
   * (ValidationSupportChain merges every element's answer; {@link CodeTranslation} removes exact
   * duplicates, but the work is wasted).
   */
  public static IValidationSupport conceptMapTranslation(
      FhirContext fhirContext, TerminologyContent content) {
    return new ConceptMapTranslationSupport(fhirContext, content.conceptMaps());
  }
}
