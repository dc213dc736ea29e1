package org.cypmh.terminology.snomed;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Inverted index from each word of every active term to the concepts (ordinals) having it, with the
 * words sorted so that a prefix is one contiguous range: "which concepts have a word starting with
 * p" is a binary search and a union of postings, over the whole edition, with no cut-off.
 */
final class WordIndex {

  private final String[] words;
  private final int[][] postings;

  private WordIndex(String[] words, int[][] postings) {
    this.words = words;
    this.postings = postings;
  }

  BitSet withWordStarting(String prefix) {
    BitSet concepts = new BitSet();
    int i = Arrays.binarySearch(words, prefix);
    if (i < 0) {
      i = -i - 1;
    }
    for (; i < words.length && words[i].startsWith(prefix); i++) {
      for (int concept : postings[i]) {
        concepts.set(concept);
      }
    }
    return concepts;
  }

  /** Collects (word, concept) pairs; concepts are added in ascending ordinal order. */
  static final class Builder {

    private final Map<String, Postings> lists = new HashMap<>();

    void add(String term, int concept) {
      for (String word : Terms.words(term)) {
        lists.computeIfAbsent(word, w -> new Postings()).add(concept);
      }
    }

    WordIndex build() {
      String[] words = lists.keySet().toArray(new String[0]);
      Arrays.sort(words);
      int[][] postings = new int[words.length][];
      for (int i = 0; i < words.length; i++) {
        Postings list = lists.get(words[i]);
        postings[i] = Arrays.copyOf(list.concepts, list.size);
      }
      return new WordIndex(words, postings);
    }
  }

  private static final class Postings {
    int[] concepts = new int[2];
    int size;

    void add(int concept) {
      if (size > 0 && concepts[size - 1] == concept) {
        return;
      }
      if (size == concepts.length) {
        concepts = Arrays.copyOf(concepts, size * 2);
      }
      concepts[size++] = concept;
    }
  }
}
