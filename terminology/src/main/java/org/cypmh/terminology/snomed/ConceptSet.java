package org.cypmh.terminology.snomed;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** A set of concepts of one {@link SnomedIndex}, e.g. an ECL result or a ValueSet's members. */
public final class ConceptSet {

  private final SnomedIndex index;
  private final BitSet members;

  ConceptSet(SnomedIndex index, BitSet members) {
    this.index = index;
    this.members = members;
  }

  public int size() {
    return members.cardinality();
  }

  public boolean contains(String code) {
    int ordinal = index.ordinal(code);
    return ordinal >= 0 && members.get(ordinal);
  }

  public ConceptSet and(ConceptSet other) {
    BitSet result = (BitSet) members.clone();
    result.and(other.members);
    return new ConceptSet(index, result);
  }

  public ConceptSet or(ConceptSet other) {
    BitSet result = (BitSet) members.clone();
    result.or(other.members);
    return new ConceptSet(index, result);
  }

  public ConceptSet minus(ConceptSet other) {
    BitSet result = (BitSet) members.clone();
    result.andNot(other.members);
    return new ConceptSet(index, result);
  }

  /** The codes, in ascending SCTID order. */
  public List<String> codes() {
    List<String> codes = new ArrayList<>(members.cardinality());
    members.stream().forEach(ordinal -> codes.add(index.code(ordinal)));
    return codes;
  }

  BitSet bits() {
    return (BitSet) members.clone();
  }
}
