package org.cypmh.gateway.terminology;

import ca.uhn.fhir.jpa.dao.data.ITermCodeSystemDao;
import ca.uhn.fhir.jpa.entity.TermCodeSystem;
import ca.uhn.fhir.jpa.entity.TermConcept;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hibernate.search.engine.search.predicate.dsl.PredicateFinalStep;
import org.hibernate.search.engine.search.predicate.dsl.SearchPredicateFactory;
import org.hibernate.search.mapper.orm.Search;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Finds concepts of a code system by words in their display, through Hibernate Search over HAPI's
 * terminology index: every word of the filter must start a word of the display, in any order ("eat
 * dis" finds "Eating disorder"), best matches first.
 */
@Component
class ConceptSearch {

  /** HAPI indexes word prefixes of 3 to 20 characters ({@code autocompleteWordEdgeAnalyzer}). */
  private static final int MIN_GRAM = 3;

  private static final int MAX_GRAM = 20;

  private final ITermCodeSystemDao codeSystems;

  @PersistenceContext private EntityManager entityManager;

  ConceptSearch(ITermCodeSystemDao codeSystems) {
    this.codeSystems = codeSystems;
  }

  /** A concept that matched, with its relevance score (higher is better). */
  record Match(String system, String code, String display, float score) {}

  @Transactional(readOnly = true)
  public List<Match> search(String system, String filter, int limit) {
    TermCodeSystem codeSystem = codeSystems.findByCodeSystemUri(system);
    if (codeSystem == null || codeSystem.getCurrentVersion() == null) {
      return List.of();
    }
    Long versionPid = codeSystem.getCurrentVersion().getPid();
    List<String> words = words(filter);
    if (words.isEmpty()) {
      return List.of();
    }
    List<List<?>> hits =
        Search.session(entityManager)
            .search(TermConcept.class)
            .select(
                f ->
                    f.composite()
                        .from(
                            f.field("myCode", String.class),
                            f.field("myDisplay", String.class),
                            f.score())
                        .asList())
            .where(
                f ->
                    f.bool(
                        clauses -> {
                          clauses.filter(
                              f.match().field("myCodeSystemVersionPid").matching(versionPid));
                          words.forEach(word -> clauses.must(startsAWord(f, word)));
                          // A display that contains the filter as a phrase ranks above scattered
                          // matches.
                          clauses.should(
                              f.phrase()
                                  .field("myDisplay")
                                  .matching(String.join(" ", words))
                                  .boost(2f));
                        }))
            .sort(f -> f.score())
            .fetchHits(limit);
    List<Match> matches = new ArrayList<>(hits.size());
    for (List<?> hit : hits) {
      matches.add(new Match(system, (String) hit.get(0), (String) hit.get(1), (Float) hit.get(2)));
    }
    return matches;
  }

  private static PredicateFinalStep startsAWord(SearchPredicateFactory f, String word) {
    if (word.length() < MIN_GRAM) {
      return f.wildcard().field("myDisplay").matching(word + "*");
    }
    String prefix = word.length() > MAX_GRAM ? word.substring(0, MAX_GRAM) : word;
    return f.match().field("myDisplayWordEdgeNGram").matching(prefix).skipAnalysis();
  }

  private static List<String> words(String filter) {
    return Arrays.stream(filter.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> !w.isBlank())
        .toList();
  }
}
