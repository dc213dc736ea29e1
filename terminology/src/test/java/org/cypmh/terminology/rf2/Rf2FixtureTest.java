package org.cypmh.terminology.rf2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.rf2.Rf2Fixture.Component;
import org.cypmh.terminology.rf2.Rf2Fixture.Part;
import org.cypmh.terminology.rf2.Rf2Fixture.ReleaseType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RF2 fixture writes what HAPI's SNOMED CT loader reads, and only seed and required ids. */
class Rf2FixtureTest {

  /** The name fragments HAPI 8.8's TermLoaderSvcImpl requires and reads (String.contains). */
  private static final List<String> HAPI_FRAGMENTS =
      List.of(
          "Terminology/sct2_Concept_Full_",
          "Terminology/sct2_Description_Full",
          "Terminology/sct2_Relationship_Full");

  private final CodeSystem fragment = TerminologyContent.load().snomedFragment();
  private final Rf2Fixture fixture = Rf2Fixture.fromSnomedFragment(fragment);

  @TempDir Path folder;

  @Test
  void writesInternationalAndUkFilesWithTheNamesHapiLoads() throws IOException {
    Rf2Release release = fixture.writeTo(folder);

    String international =
        "SnomedCT_InternationalRF2_PRODUCTION_20240101T120000Z/Full/Terminology/";
    String uk = "SnomedCT_UKClinicalRF2_PRODUCTION_20240101T000001Z/Full/Terminology/";
    assertThat(release.relativeNames())
        .containsExactly(
            international + "sct2_Concept_Full_INT_20240101.txt",
            international + "sct2_Description_Full-en_INT_20240101.txt",
            international + "sct2_Relationship_Full_INT_20240101.txt",
            uk + "sct2_Concept_Full_GB1000000_20240101.txt",
            uk + "sct2_Description_Full-en_GB1000000_20240101.txt",
            uk + "sct2_Relationship_Full_GB1000000_20240101.txt");
    for (String hapiFragment : HAPI_FRAGMENTS) {
      // Both parts match every fragment, so HAPI reads both when they are uploaded together.
      assertThat(release.relativeNames().stream().filter(n -> n.contains(hapiFragment))).hasSize(2);
    }
    assertThat(release.files()).allMatch(Files::isRegularFile);
  }

  @Test
  void snapshotNamesDoNotMatchWhatHapiLoads() {
    Rf2Fixture snapshot = fixture.withReleaseType(ReleaseType.SNAPSHOT);

    assertThat(snapshot.relativePath(Part.INTERNATIONAL, Component.CONCEPT))
        .endsWith("/Snapshot/Terminology/sct2_Concept_Snapshot_INT_20240101.txt");
    for (Part part : Part.values()) {
      for (Component component : Component.values()) {
        String name = snapshot.relativePath(part, component);
        assertThat(HAPI_FRAGMENTS).noneMatch(name::contains);
      }
    }
  }

  @Test
  void everySeedConceptIsWrittenOnceInItsPart() {
    Set<String> international = fixture.conceptIds(Part.INTERNATIONAL);
    Set<String> uk = fixture.conceptIds(Part.UK_CLINICAL);

    assertThat(uk)
        .containsExactlyInAnyOrder(
            "1111811000000109",
            "1833251000000107",
            "882381000000106",
            "1127191000000108",
            "836881000000105",
            "342191000000101");
    assertThat(international).hasSize(79 - 6 + 2).contains(Rf2Fixture.ROOT, Rf2Fixture.IS_A);
    assertThat(concat(international, uk)).doesNotHaveDuplicates();
  }

  @Test
  void conceptIdsAreOnlySeedCodesRootAndIsA() {
    Set<String> allowed =
        fragment.getConcept().stream()
            .map(ConceptDefinitionComponent::getCode)
            .collect(Collectors.toSet());
    allowed.add(Rf2Fixture.ROOT);
    allowed.add(Rf2Fixture.IS_A);

    Set<String> written = new HashSet<>();
    for (Part part : Part.values()) {
      rows(part, Component.CONCEPT).forEach(r -> written.add(r[0]));
      rows(part, Component.DESCRIPTION).forEach(r -> written.add(r[4]));
      rows(part, Component.RELATIONSHIP)
          .forEach(
              r -> {
                written.add(r[4]);
                written.add(r[5]);
              });
    }
    assertThat(allowed).containsAll(written);
    assertThat(written).hasSize(allowed.size());
  }

  @Test
  void filesStartWithTheRf2HeaderAndUseCrLf() {
    assertThat(fixture.content(Part.UK_CLINICAL, Component.CONCEPT))
        .startsWith("id\teffectiveTime\tactive\tmoduleId\tdefinitionStatusId\r\n");
    assertThat(fixture.content(Part.INTERNATIONAL, Component.DESCRIPTION))
        .startsWith(
            "id\teffectiveTime\tactive\tmoduleId\tconceptId\tlanguageCode\ttypeId\tterm"
                + "\tcaseSignificanceId\r\n");
    assertThat(fixture.content(Part.INTERNATIONAL, Component.RELATIONSHIP))
        .startsWith(
            "id\teffectiveTime\tactive\tmoduleId\tsourceId\tdestinationId\trelationshipGroup"
                + "\ttypeId\tcharacteristicTypeId\tmodifierId\r\n");
    for (Part part : Part.values()) {
      for (Component component : Component.values()) {
        String text = fixture.content(part, component);
        assertThat(text.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
      }
    }
  }

  @Test
  void isAConceptEndsWithItsFullySpecifiedNameBecauseHapiKeysTheHierarchyOnIt() {
    List<String[]> isADescriptions =
        rows(Part.INTERNATIONAL, Component.DESCRIPTION).stream()
            .filter(r -> r[4].equals(Rf2Fixture.IS_A))
            .toList();

    assertThat(isADescriptions.get(isADescriptions.size() - 1)[7]).isEqualTo("Is a (attribute)");
  }

  @Test
  void seedConceptsEndWithTheirPreferredTermSoHapiShowsTheFragmentDisplay() {
    for (ConceptDefinitionComponent concept : fragment.getConcept()) {
      Part part = Part.of(concept.getCode());
      List<String[]> descriptions =
          rows(part, Component.DESCRIPTION).stream()
              .filter(r -> r[4].equals(concept.getCode()))
              .toList();

      assertThat(descriptions.get(descriptions.size() - 1)[7]).isEqualTo(concept.getDisplay());
      assertThat(descriptions.get(descriptions.size() - 1)[6]).isEqualTo(Rf2Fixture.SYNONYM);
      assertThat(descriptions).hasSize(concept.hasDesignation() ? 2 : 1);
    }
  }

  @Test
  void everyConceptButTheRootIsAChildOfTheRoot() {
    List<String[]> relationships = new ArrayList<>();
    for (Part part : Part.values()) {
      relationships.addAll(rows(part, Component.RELATIONSHIP));
    }

    assertThat(relationships).hasSize(79 + 1);
    assertThat(relationships)
        .allSatisfy(
            r -> {
              assertThat(r[5]).isEqualTo(Rf2Fixture.ROOT);
              assertThat(r[7]).isEqualTo(Rf2Fixture.IS_A);
              assertThat(r[2]).isEqualTo("1");
            });
  }

  @Test
  void everyIdIsAWellFormedSctidInTheRightPartition() {
    assertThat(rows(Part.INTERNATIONAL, Component.DESCRIPTION))
        .allSatisfy(r -> assertThat(Sctid.partition(r[0])).isEqualTo("01"));
    assertThat(rows(Part.INTERNATIONAL, Component.RELATIONSHIP))
        .allSatisfy(r -> assertThat(Sctid.partition(r[0])).isEqualTo("02"));
    assertThat(rows(Part.UK_CLINICAL, Component.DESCRIPTION))
        .allSatisfy(
            r ->
                assertThat(Sctid.isUkExtension(r[0]) && Sctid.partition(r[0]).equals("11"))
                    .isTrue());
    assertThat(rows(Part.UK_CLINICAL, Component.RELATIONSHIP))
        .allSatisfy(
            r ->
                assertThat(Sctid.isUkExtension(r[0]) && Sctid.partition(r[0]).equals("12"))
                    .isTrue());
    for (Part part : Part.values()) {
      for (Component component : Component.values()) {
        for (String[] row : rows(part, component)) {
          assertThat(Sctid.isValid(row[0])).as(row[0]).isTrue();
          assertThat(row[1]).isEqualTo(Rf2Fixture.EFFECTIVE_TIME);
        }
      }
    }
  }

  @Test
  void everySeedCodeIsAValidSctidSoATypoFailsTheBuild() {
    assertThat(fragment.getConcept())
        .allSatisfy(c -> assertThat(Sctid.isValid(c.getCode())).as(c.getCode()).isTrue());
    assertThat(Sctid.isValid("3457006")).isFalse();
  }

  @Test
  void zipHoldsTheSameFilesAtTheSamePaths() throws IOException {
    Path zip = fixture.writeZip(folder.resolve("snomed-uk-fixture.zip"));

    List<String> entries = new ArrayList<>();
    try (ZipInputStream in =
        new ZipInputStream(Files.newInputStream(zip), StandardCharsets.UTF_8)) {
      for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
        entries.add(entry.getName());
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("id\teffectiveTime\t");
      }
    }
    assertThat(entries)
        .containsExactlyElementsOf(fixture.writeTo(folder.resolve("files")).relativeNames());
  }

  private List<String[]> rows(Part part, Component component) {
    return fixture.content(part, component).lines().skip(1).map(l -> l.split("\t", -1)).toList();
  }

  private static List<String> concat(Set<String> a, Set<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
