package org.cypmh.terminology.api;

import java.util.Objects;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * One target of a translation.
 *
 * <p>HAPI's {@link Coding} has identity equality, so compare targets with {@link #sameTarget} or by
 * {@link #system()} and {@link #code()}, not with {@code equals}.
 *
 * @param target a copy of the target code, with system and display as the map gives them
 * @param equivalence how the target relates to the source, read from target to source as FHIR R4
 *     defines it (e.g. {@code WIDER}: the target is wider in meaning than the source)
 */
public record TranslationTarget(Coding target, ConceptMapEquivalence equivalence) {

  public TranslationTarget {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(equivalence, "equivalence");
    target = target.copy();
  }

  public String system() {
    return target.getSystem();
  }

  public String code() {
    return target.getCode();
  }

  /** True when both name the same code in the same system. */
  public boolean sameTarget(String system, String code) {
    return Objects.equals(system(), system) && Objects.equals(code(), code);
  }
}
