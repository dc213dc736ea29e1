package org.cypmh.terminology.snomed;

import java.util.List;

/**
 * The same word-prefix filter as {@link SnomedIndex#expand}, for terms held elsewhere (small
 * CodeSystems expanded by HAPI): every word of the filter starts a word of the term, in any order.
 */
public final class WordFilter {

  private final List<String> words;

  private WordFilter(List<String> words) {
    this.words = words;
  }

  public static WordFilter of(String filter) {
    return new WordFilter(Terms.words(filter == null ? "" : filter));
  }

  /**
   * Rank of a term (lower is better: 0 starts with the filter's words in order, 1 has them in order
   * elsewhere, 2 has the words anywhere), or -1 if it does not match.
   */
  public int rank(String term) {
    String normalised = Terms.normalised(term == null ? "" : term);
    if (words.isEmpty()) {
      return 0;
    }
    int phrase = Terms.phrase(normalised, words);
    if (phrase >= 0) {
      return phrase;
    }
    return Terms.hasEveryWordPrefix(normalised, words) ? 2 : -1;
  }
}
