package org.cypmh.terminology.content;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of {@code snomed-cypmh-seed.tsv}.
 *
 * @param term the term as the source gives it: a fully specified name with semantic tag where the
 *     source had one, otherwise the source's preferred term
 */
record SeedConcept(String code, String term, String category, boolean active, String source) {

  /** Semantic tags used in the seed; a term ending in another bracket is not split. */
  static final Set<String> SEMANTIC_TAGS =
      Set.of("procedure", "regime/therapy", "disorder", "finding", "record artifact");

  private static final Pattern TAGGED = Pattern.compile("^(.+) \\(([^()]+)\\)$");

  /** The term without its semantic tag: "Patient referral (procedure)" gives "Patient referral". */
  String display() {
    Matcher matcher = TAGGED.matcher(term);
    return matcher.matches() && SEMANTIC_TAGS.contains(matcher.group(2)) ? matcher.group(1) : term;
  }

  /** The term, when it is a fully specified name (has a semantic tag). */
  Optional<String> fullySpecifiedName() {
    return display().equals(term) ? Optional.empty() : Optional.of(term);
  }
}
