package org.cypmh.terminology.snomed;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How terms and filters are cut into words: lower case, letters and digits only. A normalised term
 * starts with a space and has one space before every word, so "does a word of this term start with
 * w" is {@code normalised.contains(" " + w)}.
 */
final class Terms {

  private Terms() {}

  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    String lower = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        word.append(c);
      } else if (!word.isEmpty()) {
        words.add(word.toString());
        word.setLength(0);
      }
    }
    if (!word.isEmpty()) {
      words.add(word.toString());
    }
    return words;
  }

  static String normalised(String text) {
    StringBuilder out = new StringBuilder(text.length() + 1);
    for (String word : words(text)) {
      out.append(' ').append(word);
    }
    return out.toString();
  }

  /** True if every word starts a word of the normalised term, in any order. */
  static boolean hasEveryWordPrefix(String normalised, List<String> words) {
    for (String word : words) {
      if (!normalised.contains(" " + word)) {
        return false;
      }
    }
    return true;
  }

  /**
   * 0 if the words start consecutive words at the beginning of the normalised term ("eat dis" in
   * "eating disorder"), 1 if they do so elsewhere, -1 if they are not consecutive there.
   */
  static int phrase(String normalised, List<String> words) {
    String first = " " + words.get(0);
    for (int p = normalised.indexOf(first); p >= 0; p = normalised.indexOf(first, p + 1)) {
      if (consecutiveFrom(normalised, p, words)) {
        return p == 0 ? 0 : 1;
      }
    }
    return -1;
  }

  private static boolean consecutiveFrom(String normalised, int start, List<String> words) {
    int position = start;
    for (int i = 0; i < words.size(); i++) {
      if (!normalised.startsWith(" " + words.get(i), position)) {
        return false;
      }
      int next = normalised.indexOf(' ', position + 1);
      if (next < 0) {
        return i == words.size() - 1;
      }
      position = next;
    }
    return true;
  }
}
