package org.cypmh.terminology.internal;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.TranslateCodeRequest;
import ca.uhn.fhir.context.support.TranslateConceptResult;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cypmh.terminology.api.CodeTranslation;
import org.cypmh.terminology.api.Translation;
import org.cypmh.terminology.api.TranslationTarget;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * {@link CodeTranslation} over a HAPI validation support chain's {@code translateConcept}.
 *
 * <p>Internal: obtain one with {@link CodeTranslation#using}. Public only because Java packages
 * cannot share package-private types.
 *
 * <p>HAPI reports an explicitly unmatched source code (R4 equivalence {@code unmatched}, no target
 * code) as a result without a code: HAPI JPA 8.8 stores such targets, and {@link
 * ConceptMapTranslationSupport} mirrors it. That is how {@link Translation.Status#UNMATCHED} is
 * told apart from {@link Translation.Status#NOT_IN_MAP} (no result at all).
 */
public final class ValidationSupportCodeTranslation implements CodeTranslation {

  private final IValidationSupport validationSupport;

  public ValidationSupportCodeTranslation(IValidationSupport validationSupport) {
    this.validationSupport = Objects.requireNonNull(validationSupport, "validationSupport");
  }

  @Override
  public Translation translate(Coding source, String conceptMapUrl) {
    Objects.requireNonNull(source, "source");
    if (!source.hasCode()) {
      throw new IllegalArgumentException("A code is needed to translate");
    }
    if (conceptMapUrl == null || conceptMapUrl.isBlank()) {
      throw new IllegalArgumentException("A ConceptMap URL is needed to translate");
    }
    TranslateCodeRequest request =
        new TranslateCodeRequest(
            List.<IBaseCoding>of(source), null, conceptMapUrl, null, null, null, null, false);
    return toTranslation(source, validationSupport.translateConcept(request));
  }

  static Translation toTranslation(Coding source, TranslateConceptResults results) {
    if (results == null || results.getResults().isEmpty()) {
      return Translation.notInMap(source);
    }
    // Keyed so that the same target reported by two chain elements (e.g. an in-memory map and the
    // same map stored in JPA) appears once.
    Map<String, TranslationTarget> targets = new LinkedHashMap<>();
    for (TranslateConceptResult result : results.getResults()) {
      ConceptMapEquivalence equivalence = equivalence(result.getEquivalence());
      boolean noTarget =
          result.getCode() == null
              || result.getCode().isBlank()
              || equivalence == ConceptMapEquivalence.UNMATCHED
              // disjoint: "this is not a match", the map documents a wrong translation to avoid.
              || equivalence == ConceptMapEquivalence.DISJOINT;
      if (noTarget) {
        continue;
      }
      Coding target = new Coding(result.getSystem(), result.getCode(), result.getDisplay());
      if (result.getSystemVersion() != null) {
        target.setVersion(result.getSystemVersion());
      }
      String key = result.getSystem() + "|" + result.getCode() + "|" + equivalence.toCode();
      targets.putIfAbsent(key, new TranslationTarget(target, equivalence));
    }
    return targets.isEmpty()
        ? Translation.unmatched(source)
        : Translation.mapped(source, List.copyOf(targets.values()));
  }

  /** R4 equivalence code to enum; {@code NULL} where the map leaves it out. */
  private static ConceptMapEquivalence equivalence(String code) {
    if (code == null || code.isBlank()) {
      return ConceptMapEquivalence.NULL;
    }
    try {
      return ConceptMapEquivalence.fromCode(code);
    } catch (FHIRException e) {
      // A content error in the ConceptMap, not something a caller can handle: surface it.
      throw new IllegalStateException("ConceptMap gives an unknown equivalence: " + code, e);
    }
  }
}
