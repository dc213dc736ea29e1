package org.cypmh.terminology.api;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Coding;

/**
 * The outcome of {@link CodeTranslation#translate}.
 *
 * @param source a copy of the code that was translated
 * @param targets every usable target, in map order; empty unless {@code status} is {@link
 *     Status#MAPPED}
 * @param status whether the map gave targets, explicitly gave none, or does not mention the code
 */
public record Translation(Coding source, List<TranslationTarget> targets, Status status) {

  /** How the ConceptMap answered. */
  public enum Status {
    /** At least one target: a translation exists (check each target's equivalence). */
    MAPPED,
    /** The map has an entry for the code and says explicitly there is no target. */
    UNMATCHED,
    /** The map has no entry for the code (not reviewed, wrong system, or unknown map). */
    NOT_IN_MAP
  }

  public Translation {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(status, "status");
    source = source.copy();
    targets = List.copyOf(targets);
    if (status == Status.MAPPED && targets.isEmpty()) {
      throw new IllegalArgumentException("A MAPPED translation needs at least one target");
    }
    if (status != Status.MAPPED && !targets.isEmpty()) {
      throw new IllegalArgumentException(status + " translation cannot have targets");
    }
  }

  public static Translation mapped(Coding source, List<TranslationTarget> targets) {
    return new Translation(source, targets, Status.MAPPED);
  }

  public static Translation unmatched(Coding source) {
    return new Translation(source, List.of(), Status.UNMATCHED);
  }

  public static Translation notInMap(Coding source) {
    return new Translation(source, List.of(), Status.NOT_IN_MAP);
  }

  public boolean isMapped() {
    return status == Status.MAPPED;
  }
}
