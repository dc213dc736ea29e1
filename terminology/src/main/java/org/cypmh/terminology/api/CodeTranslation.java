package org.cypmh.terminology.api;

import ca.uhn.fhir.context.support.IValidationSupport;
import org.cypmh.terminology.internal.ValidationSupportCodeTranslation;
import org.hl7.fhir.r4.model.Coding;

/**
 * Translates a code through a ConceptMap: the module's contract for FHIR's {@code
 * ConceptMap/$translate}.
 *
 * <p>The outcome distinguishes a map that gives targets, a map that says explicitly there is no
 * target, and a map that does not mention the code at all, because routing treats them differently
 * (a VCSE intervention with no SNOMED equivalent is still reported; an unreviewed code needs a
 * terminologist).
 */
public interface CodeTranslation {

  /**
   * Translates {@code source} using the ConceptMap with canonical URL {@code conceptMapUrl}.
   *
   * @param source the code to translate; its system must be the ConceptMap group's source system
   * @param conceptMapUrl canonical URL of the ConceptMap, e.g. {@link
   *     TerminologyContent#VCSE_FIRST_STEPS_TO_SNOMED}
   * @return never null; {@link Translation.Status#NOT_IN_MAP} also when no such ConceptMap is known
   *     to the underlying terminology
   */
  Translation translate(Coding source, String conceptMapUrl);

  /**
   * A translation backed by a HAPI validation support chain: the in-memory chain (add {@link
   * TerminologySupports#conceptMapTranslation}) or HAPI JPA's chain, whose ConceptMap service
   * answers from stored ConceptMap resources.
   */
  static CodeTranslation using(IValidationSupport validationSupport) {
    return new ValidationSupportCodeTranslation(validationSupport);
  }
}
