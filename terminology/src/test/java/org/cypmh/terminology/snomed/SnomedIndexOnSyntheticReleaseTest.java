package org.cypmh.terminology.snomed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.cypmh.terminology.rf2.SyntheticRf2Release;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reference sets, attribute refinement, inactive concepts and ranking over a small generated
 * release (synthetic ids, see {@link SyntheticRf2Release}); expected sets are computed from the
 * written RF2 rows directly.
 */
class SnomedIndexOnSyntheticReleaseTest {

  private static SyntheticRf2Release.Written written;
  private static SnomedIndex index;
  private static List<String[]> relationships;
  private static Map<String, Boolean> activeById;

  @BeforeAll
  static void generate(@TempDir Path folder) throws IOException {
    written = SyntheticRf2Release.of(6_000, 1_500).writeTo(folder);
    index = Rf2Reader.read(Rf2Files.locate(List.of(written.international(), written.uk())));
    relationships = rows(folder, "sct2_Relationship_");
    activeById = new HashMap<>();
    rows(folder, "sct2_Concept_").forEach(r -> activeById.put(r[0], r[2].equals("1")));
  }

  @Test
  void bothPartsAreReadCompletely() {
    assertThat(index.conceptCount()).isEqualTo(written.concepts());
    assertThat(index.descriptionCount()).isEqualTo(written.descriptions());
    assertThat(index.relationshipCount())
        .isEqualTo(written.isARelationships() + written.attributeRelationships());
  }

  @Test
  void attributeRefinementSelectsConceptsWithThatAttributeValue() {
    String site =
        relationships.stream()
            .filter(r -> r[7].equals(SyntheticRf2Release.FINDING_SITE))
            .findFirst()
            .orElseThrow()[5];
    Set<String> expected = new HashSet<>();
    relationships.stream()
        .filter(r -> r[7].equals(SyntheticRf2Release.FINDING_SITE) && r[5].equals(site))
        .forEach(r -> expected.add(r[4]));

    assertThat(index.ecl("* : " + SyntheticRf2Release.FINDING_SITE + " = " + site).codes())
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(
            index
                .ecl(
                    "<< "
                        + written.largestSubtree()
                        + " : { "
                        + SyntheticRf2Release.FINDING_SITE
                        + " = "
                        + site
                        + " }")
                .codes())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void memberOfIsTheReferenceSetsActiveMembers() throws IOException {
    String refset = written.refsets().get(0);
    Set<String> expected = new HashSet<>();
    rows(written.root(), "der2_Refset_")
        .forEach(
            r -> {
              if (r[4].equals(refset) && activeById.get(r[5])) {
                expected.add(r[5]);
              }
            });

    assertThat(expected).isNotEmpty();
    assertThat(index.ecl("^ " + refset).codes()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(index.ecl("^ " + refset + " MINUS ^ " + refset).size()).isZero();
  }

  @Test
  void inactiveConceptsAreLeftOutUnlessAskedFor() {
    List<String> inactive =
        activeById.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    String oneInactive = inactive.get(0);
    String term = index.concept(oneInactive).orElseThrow().display();

    assertThat(inactive).isNotEmpty();
    assertThat(index.ecl("*").codes()).doesNotContainAnyElementsOf(inactive);
    assertThat(codes(index.expand(index.all(), term, true, 0, 10_000))).doesNotContain(oneInactive);
    assertThat(codes(index.expand(index.all(), term, false, 0, 10_000))).contains(oneInactive);
  }

  @Test
  void aMemberRankedBelow500OtherHitsIsStillFoundWithAnExactTotal() {
    Expansion everything = index.expand(index.all(), "disorder", true, 0, Integer.MAX_VALUE);
    assertThat(everything.total()).isGreaterThan(600);
    SnomedConcept last = everything.concepts().get(everything.total() - 1);
    SnomedConcept first = everything.concepts().get(0);
    ConceptSet valueSet = index.concepts(List.of(first.code(), last.code()));

    Expansion result = index.expand(valueSet, "disorder", true, 0, 50);

    assertThat(result.total()).isEqualTo(2);
    assertThat(codes(result)).containsExactly(first.code(), last.code());
  }

  @Test
  void pagesOfAFilteredExpansionFollowOneRanking() {
    Expansion all = index.expand(index.all(), "dis of", true, 0, Integer.MAX_VALUE);
    Expansion secondPage = index.expand(index.all(), "dis of", true, 10, 10);
    Expansion inOtherOrder = index.expand(index.all(), "of disorder", true, 0, 0);

    assertThat(secondPage.total()).isEqualTo(all.total()).isGreaterThan(20);
    assertThat(inOtherOrder.total()).isEqualTo(all.total());
    assertThat(codes(secondPage)).isEqualTo(codes(all).subList(10, 20));
  }

  private static List<String> codes(Expansion expansion) {
    return expansion.concepts().stream().map(SnomedConcept::code).toList();
  }

  private static List<String[]> rows(Path folder, String prefix) throws IOException {
    List<String[]> rows = new ArrayList<>();
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        lines.stream().skip(1).forEach(line -> rows.add(line.split("\t", -1)));
      }
    }
    return rows;
  }
}
