package org.cypmh.terminology.snomed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SNOMED CT edition in memory, for what a relational terminology store does badly at national
 * scale: expansion by ECL or hierarchy, and ranked word-prefix search over a whole ValueSet with an
 * exact total. Concepts are numbered by ascending SCTID (their ordinal); sets of concepts are
 * bitsets, the hierarchy is parent and child arrays, attributes are edge lists per type, and terms
 * are in a {@link WordIndex}.
 *
 * <p>Immutable once built: a new release builds a new index, which replaces the old one in a single
 * reference swap, so reads never see a half-loaded edition.
 */
public final class SnomedIndex {

  /** 138875005 |SNOMED CT Concept|, the root. */
  public static final String ROOT = "138875005";

  /** 116680003 |Is a|. */
  public static final String IS_A = "116680003";

  private final long[] ids;
  private final BitSet active;
  private final String[] displays;
  private final String[] normalisedDisplays;
  private final String[] fullySpecifiedNames;
  private final String[][] synonyms;
  private final String[][] normalisedSynonyms;
  private final int[][] parents;
  private final int[][] children;
  private final Map<Long, BitSet> refsets;
  private final Map<Long, Edges> attributes;
  private final WordIndex words;
  private final int descriptionCount;
  private final int relationshipCount;

  private SnomedIndex(Builder b, long[] ids) {
    this.ids = ids;
    int n = ids.length;
    this.active = new BitSet(n);
    this.displays = new String[n];
    this.normalisedDisplays = new String[n];
    this.fullySpecifiedNames = new String[n];
    this.synonyms = new String[n][];
    this.normalisedSynonyms = new String[n][];
    WordIndex.Builder wordIndex = new WordIndex.Builder();
    for (int i = 0; i < n; i++) {
      ConceptRows rows = b.concepts.get(ids[i]);
      active.set(i, rows.active);
      String display = rows.preferred != null ? rows.preferred : rows.lastSynonym;
      if (display == null) {
        display = rows.fullySpecifiedName == null ? "" : rows.fullySpecifiedName;
      }
      displays[i] = display;
      normalisedDisplays[i] = Terms.normalised(display);
      fullySpecifiedNames[i] = rows.fullySpecifiedName;
      List<String> others = new ArrayList<>(rows.synonyms.size());
      for (String synonym : rows.synonyms) {
        if (!synonym.equals(display)) {
          others.add(synonym);
        }
      }
      synonyms[i] = others.toArray(new String[0]);
      normalisedSynonyms[i] = new String[others.size()];
      for (int s = 0; s < others.size(); s++) {
        normalisedSynonyms[i][s] = Terms.normalised(others.get(s));
      }
      wordIndex.add(display, i);
      for (String synonym : others) {
        wordIndex.add(synonym, i);
      }
    }
    this.words = wordIndex.build();
    int[] parentCounts = new int[n];
    int[] childCounts = new int[n];
    List<int[]> isA = new ArrayList<>(b.isA.size());
    for (long[] link : b.isA) {
      int child = ordinal(link[0]);
      int parent = ordinal(link[1]);
      if (child >= 0 && parent >= 0) {
        isA.add(new int[] {child, parent});
        parentCounts[child]++;
        childCounts[parent]++;
      }
    }
    this.parents = new int[n][];
    this.children = new int[n][];
    for (int i = 0; i < n; i++) {
      parents[i] = new int[parentCounts[i]];
      children[i] = new int[childCounts[i]];
    }
    for (int[] link : isA) {
      parents[link[0]][--parentCounts[link[0]]] = link[1];
      children[link[1]][--childCounts[link[1]]] = link[0];
    }
    this.refsets = new HashMap<>();
    b.refsetMembers.forEach(
        (refset, members) -> {
          BitSet bits = new BitSet(n);
          for (int i = 0; i < members.size; i++) {
            int ordinal = ordinal(members.values[i]);
            if (ordinal >= 0) {
              bits.set(ordinal);
            }
          }
          refsets.put(refset, bits);
        });
    this.attributes = new HashMap<>();
    int attributeCount = 0;
    for (Map.Entry<Long, LongPairs> entry : b.attributes.entrySet()) {
      LongPairs pairs = entry.getValue();
      int[] sources = new int[pairs.size];
      int[] destinations = new int[pairs.size];
      int kept = 0;
      for (int i = 0; i < pairs.size; i++) {
        int source = ordinal(pairs.first[i]);
        int destination = ordinal(pairs.second[i]);
        if (source >= 0 && destination >= 0) {
          sources[kept] = source;
          destinations[kept] = destination;
          kept++;
        }
      }
      attributes.put(
          entry.getKey(),
          new Edges(Arrays.copyOf(sources, kept), Arrays.copyOf(destinations, kept)));
      attributeCount += kept;
    }
    this.descriptionCount = b.descriptionCount;
    this.relationshipCount = isA.size() + attributeCount;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Concepts, active or not. */
  public int conceptCount() {
    return ids.length;
  }

  public int activeConceptCount() {
    return active.cardinality();
  }

  /** Active descriptions read (fully specified names and synonyms). */
  public int descriptionCount() {
    return descriptionCount;
  }

  /** Active is-a and attribute relationships between known concepts. */
  public int relationshipCount() {
    return relationshipCount;
  }

  public Optional<SnomedConcept> concept(String code) {
    int ordinal = ordinal(code);
    return ordinal < 0 ? Optional.empty() : Optional.of(concept(ordinal));
  }

  /** Every concept (active or not); ECL and implicit ValueSets narrow it. */
  public ConceptSet all() {
    BitSet all = new BitSet(ids.length);
    all.set(0, ids.length);
    return new ConceptSet(this, all);
  }

  public ConceptSet activeConcepts() {
    return new ConceptSet(this, (BitSet) active.clone());
  }

  /** The concepts with these codes; codes the edition does not have are left out. */
  public ConceptSet concepts(List<String> codes) {
    BitSet set = new BitSet(ids.length);
    for (String code : codes) {
      int ordinal = ordinal(code);
      if (ordinal >= 0) {
        set.set(ordinal);
      }
    }
    return new ConceptSet(this, set);
  }

  /**
   * The active concepts an expression constraint selects.
   *
   * @throws EclException if the expression is not in the supported ECL subset
   */
  public ConceptSet ecl(String expression) {
    BitSet result = new EclEvaluator(this).evaluate(expression);
    result.and(active);
    return new ConceptSet(this, result);
  }

  /**
   * The concepts of {@code scope} whose preferred term or one synonym has every word of {@code
   * filter} as a word prefix, in any order; best first: preferred term starting with the filter's
   * words in order ("eat dis": "Eating disorder"), then having them in order elsewhere, then
   * anywhere, then matched on a synonym only; shorter preferred terms first within each. Without a
   * filter, every concept of the scope in SCTID order. The total is exact.
   */
  public Expansion expand(
      ConceptSet scope, String filter, boolean activeOnly, int offset, int count) {
    BitSet candidates = scope.bits();
    if (activeOnly) {
      candidates.and(active);
    }
    List<String> filterWords = filter == null ? List.of() : Terms.words(filter);
    if (filterWords.isEmpty()) {
      List<SnomedConcept> page = new ArrayList<>();
      int total = candidates.cardinality();
      int skipped = 0;
      for (int i = candidates.nextSetBit(0);
          i >= 0 && page.size() < count;
          i = candidates.nextSetBit(i + 1)) {
        if (skipped++ >= offset) {
          page.add(concept(i));
        }
      }
      return new Expansion(total, page);
    }
    for (String word : filterWords) {
      candidates.and(words.withWordStarting(word));
    }
    long[] ranked = new long[candidates.cardinality()];
    int matched = 0;
    for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
      int tier = tier(i, filterWords);
      if (tier >= 0) {
        long length = Math.min(displays[i].length(), 0xFFFF);
        ranked[matched++] = ((long) tier << 52) | (length << 32) | i;
      }
    }
    Arrays.sort(ranked, 0, matched);
    List<SnomedConcept> page = new ArrayList<>();
    for (int r = offset; r < matched && page.size() < count; r++) {
      page.add(concept((int) (ranked[r] & 0xFFFFFFFFL)));
    }
    return new Expansion(matched, page);
  }

  /** Rank tier of a candidate (lower is better), or -1 if no single term has every word. */
  private int tier(int i, List<String> filterWords) {
    String display = normalisedDisplays[i];
    int phrase = Terms.phrase(display, filterWords);
    if (phrase >= 0) {
      return phrase;
    }
    if (Terms.hasEveryWordPrefix(display, filterWords)) {
      return 2;
    }
    for (String synonym : normalisedSynonyms[i]) {
      if (Terms.hasEveryWordPrefix(synonym, filterWords)) {
        return 3;
      }
    }
    return -1;
  }

  /** True if {@code code} is {@code ancestor} or one of its descendants. */
  public boolean subsumedBy(String code, String ancestor) {
    int c = ordinal(code);
    int a = ordinal(ancestor);
    if (c < 0 || a < 0) {
      return false;
    }
    BitSet start = new BitSet();
    start.set(c);
    return closure(start, parents, true).get(a);
  }

  BitSet descendants(BitSet of, boolean includeSelf) {
    return closure(of, children, includeSelf);
  }

  BitSet ancestors(BitSet of, boolean includeSelf) {
    return closure(of, parents, includeSelf);
  }

  BitSet children(BitSet of) {
    return oneStep(of, children);
  }

  BitSet parents(BitSet of) {
    return oneStep(of, parents);
  }

  BitSet members(BitSet refsetConcepts) {
    BitSet result = new BitSet(ids.length);
    for (int i = refsetConcepts.nextSetBit(0); i >= 0; i = refsetConcepts.nextSetBit(i + 1)) {
      BitSet members = refsets.get(ids[i]);
      if (members != null) {
        result.or(members);
      }
    }
    return result;
  }

  /**
   * Concepts with an attribute of one of {@code types} whose value is (or, with {@code negated}, is
   * not) in {@code values}.
   */
  BitSet withAttribute(BitSet types, BitSet values, boolean negated) {
    BitSet result = new BitSet(ids.length);
    attributes.forEach(
        (type, edges) -> {
          int typeOrdinal = ordinal(type);
          if (typeOrdinal < 0 || !types.get(typeOrdinal)) {
            return;
          }
          for (int e = 0; e < edges.sources.length; e++) {
            if (values.get(edges.destinations[e]) != negated) {
              result.set(edges.sources[e]);
            }
          }
        });
    return result;
  }

  BitSet allBits() {
    BitSet all = new BitSet(ids.length);
    all.set(0, ids.length);
    return all;
  }

  BitSet single(String code) {
    BitSet set = new BitSet(ids.length);
    int ordinal = ordinal(code);
    if (ordinal >= 0) {
      set.set(ordinal);
    }
    return set;
  }

  int ordinal(String code) {
    try {
      return ordinal(Long.parseLong(code));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private int ordinal(long id) {
    int i = Arrays.binarySearch(ids, id);
    return i < 0 ? -1 : i;
  }

  String code(int ordinal) {
    return Long.toString(ids[ordinal]);
  }

  private SnomedConcept concept(int i) {
    return new SnomedConcept(
        code(i), displays[i], active.get(i), fullySpecifiedNames[i], List.of(synonyms[i]));
  }

  private static BitSet closure(BitSet start, int[][] links, boolean includeSelf) {
    BitSet seen = new BitSet();
    Deque<Integer> queue = new ArrayDeque<>();
    for (int i = start.nextSetBit(0); i >= 0; i = start.nextSetBit(i + 1)) {
      queue.add(i);
    }
    while (!queue.isEmpty()) {
      int node = queue.poll();
      for (int next : links[node]) {
        if (!seen.get(next)) {
          seen.set(next);
          queue.add(next);
        }
      }
    }
    if (includeSelf) {
      seen.or(start);
    }
    return seen;
  }

  private static BitSet oneStep(BitSet start, int[][] links) {
    BitSet result = new BitSet();
    for (int i = start.nextSetBit(0); i >= 0; i = start.nextSetBit(i + 1)) {
      for (int next : links[i]) {
        result.set(next);
      }
    }
    return result;
  }

  private record Edges(int[] sources, int[] destinations) {}

  /**
   * Collects a release's rows. Later calls win where RF2 says they should: the last preferred
   * synonym is the display, and without language reference set information the last active synonym
   * is (as HAPI's loader does).
   */
  public static final class Builder {

    private final Map<Long, ConceptRows> concepts = new HashMap<>();
    private final List<long[]> isA = new ArrayList<>();
    private final Map<Long, LongPairs> attributes = new HashMap<>();
    private final Map<Long, LongList> refsetMembers = new HashMap<>();
    private int descriptionCount;

    private Builder() {}

    public Builder concept(String code, boolean active) {
      ConceptRows rows = rows(Long.parseLong(code));
      rows.defined = true;
      rows.active = active;
      return this;
    }

    public Builder fullySpecifiedName(String code, String term) {
      rows(Long.parseLong(code)).fullySpecifiedName = term;
      descriptionCount++;
      return this;
    }

    public Builder synonym(String code, String term, boolean preferred) {
      ConceptRows rows = rows(Long.parseLong(code));
      rows.synonyms.add(term);
      rows.lastSynonym = term;
      if (preferred) {
        rows.preferred = term;
      }
      descriptionCount++;
      return this;
    }

    public Builder isA(String child, String parent) {
      isA.add(new long[] {Long.parseLong(child), Long.parseLong(parent)});
      return this;
    }

    public Builder attribute(String source, String type, String destination) {
      attributes
          .computeIfAbsent(Long.parseLong(type), t -> new LongPairs())
          .add(Long.parseLong(source), Long.parseLong(destination));
      return this;
    }

    public Builder refsetMember(String refset, String referencedComponent) {
      refsetMembers
          .computeIfAbsent(Long.parseLong(refset), r -> new LongList())
          .add(Long.parseLong(referencedComponent));
      return this;
    }

    public boolean hasConcept(String code) {
      ConceptRows rows = concepts.get(Long.parseLong(code));
      return rows != null && rows.defined;
    }

    public SnomedIndex build() {
      long[] ids =
          concepts.entrySet().stream()
              .filter(e -> e.getValue().defined)
              .mapToLong(Map.Entry::getKey)
              .sorted()
              .toArray();
      return new SnomedIndex(this, ids);
    }

    private ConceptRows rows(long id) {
      return concepts.computeIfAbsent(id, i -> new ConceptRows());
    }
  }

  private static final class ConceptRows {
    boolean defined;
    boolean active;
    String fullySpecifiedName;
    String preferred;
    String lastSynonym;
    final List<String> synonyms = new ArrayList<>(3);
  }

  private static final class LongList {
    long[] values = new long[4];
    int size;

    void add(long value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }

  private static final class LongPairs {
    long[] first = new long[4];
    long[] second = new long[4];
    int size;

    void add(long a, long b) {
      if (size == first.length) {
        first = Arrays.copyOf(first, size * 2);
        second = Arrays.copyOf(second, size * 2);
      }
      first[size] = a;
      second[size] = b;
      size++;
    }
  }
}
