package org.cypmh.terminology.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** The packaged conformance content is all there, parses, and is named consistently. */
class PackagedContentTest {

  private final TerminologyContent content = TerminologyContent.load();

  @Test
  void packagePinsFiveCodeSystemsElevenValueSetsAndTwoConceptMaps() {
    assertThat(content.codeSystems()).hasSize(5);
    assertThat(content.valueSets()).hasSize(11);
    assertThat(content.conceptMaps()).hasSize(2);
    assertThat(content.all()).hasSize(18);
  }

  @Test
  void everyJsonFileInTheResourceFolderIsLoaded() throws IOException, URISyntaxException {
    Path folder =
        Path.of(PackagedContentTest.class.getResource(TerminologyContent.RESOURCE_FOLDER).toURI());
    try (Stream<Path> files = Files.list(folder)) {
      List<String> jsonFiles =
          files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json")).toList();
      assertThat(jsonFiles).containsExactlyInAnyOrderElementsOf(TerminologyContent.RESOURCE_FILES);
    }
  }

  @Test
  void fileNameIdAndCanonicalUrlAgree() {
    for (MetadataResource resource : content.all()) {
      String id = resource.getIdElement().getIdPart();
      assertThat(TerminologyContent.RESOURCE_FILES)
          .as(resource.getUrl())
          .contains(resource.fhirType() + "-" + id + ".json");
      if (!resource.getUrl().equals(TerminologyContent.SNOMED)) {
        assertThat(resource.getUrl())
            .isEqualTo(TerminologyContent.CANONICAL_BASE + "/" + resource.fhirType() + "/" + id);
        assertThat(resource.getVersion()).as(resource.getUrl()).isEqualTo("0.1.0");
      }
      assertThat(resource.getName()).as(resource.getUrl()).matches("[A-Z][A-Za-z0-9]*");
      assertThat(resource.hasDescription()).as(resource.getUrl()).isTrue();
    }
  }

  @Test
  void canonicalUrlConstantsNamePackagedResources() {
    for (String url :
        List.of(
            TerminologyContent.REFERRAL_PATHWAY_SYSTEM,
            TerminologyContent.SERVICE_TYPE_SYSTEM,
            TerminologyContent.VCSE_FIRST_STEPS_SYSTEM,
            TerminologyContent.BREAK_GLASS_REASON_SYSTEM,
            TerminologyContent.SNOMED)) {
      assertThat(content.codeSystem(url)).as(url).isPresent();
    }
    for (String url :
        List.of(
            TerminologyContent.REFERRAL_REASONS,
            TerminologyContent.REFERRAL_PROCEDURES,
            TerminologyContent.REFERRAL_PATHWAYS,
            TerminologyContent.BRIEF_INTERVENTIONS,
            TerminologyContent.SERVICE_TYPES,
            TerminologyContent.CAMHS_SERVICE_TYPES,
            TerminologyContent.ADULT_SERVICE_TYPES,
            TerminologyContent.TRANSITION_CARE,
            TerminologyContent.RISK_INDICATORS,
            TerminologyContent.ANXIETY_LOW_MOOD,
            TerminologyContent.BREAK_GLASS_REASONS)) {
      assertThat(content.valueSet(url)).as(url).isPresent();
    }
    for (String url :
        List.of(
            TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED,
            TerminologyContent.CAMHS_TO_ADULT_SERVICE_TYPE)) {
      assertThat(content.conceptMap(url)).as(url).isPresent();
    }
  }

  @Test
  void ownCodeSystemsAreCompleteAndCountTheirConcepts() {
    for (CodeSystem codeSystem : content.codeSystems()) {
      if (codeSystem.getUrl().equals(TerminologyContent.SNOMED)) {
        continue;
      }
      assertThat(codeSystem.getContent()).isEqualTo(CodeSystem.CodeSystemContentMode.COMPLETE);
      assertThat(codeSystem.getCount()).isEqualTo(codeSystem.getConcept().size());
    }
    assertThat(
            content
                .codeSystem(TerminologyContent.REFERRAL_PATHWAY_SYSTEM)
                .orElseThrow()
                .getConcept())
        .extracting(CodeSystem.ConceptDefinitionComponent::getCode)
        .containsExactly(
            "crisis",
            "eating-disorders",
            "neurodevelopmental",
            "youth-justice",
            "transitions",
            "general-camhs",
            "mhst",
            "vcse-early-help");
    assertThat(
            content
                .codeSystem(TerminologyContent.BREAK_GLASS_REASON_SYSTEM)
                .orElseThrow()
                .getConcept())
        .extracting(
            CodeSystem.ConceptDefinitionComponent::getCode,
            CodeSystem.ConceptDefinitionComponent::getDisplay)
        .containsExactly(
            tuple("safeguarding", "Safeguarding concern"),
            tuple("vital-interests", "Vital interests"));
  }

  @Test
  void breakGlassReasonValueSetIsTheWholeCodeSystem() {
    ValueSet reasons = content.valueSet(TerminologyContent.BREAK_GLASS_REASONS).orElseThrow();

    assertThat(reasons.getCompose().getInclude())
        .singleElement()
        .satisfies(
            include -> {
              assertThat(include.getSystem())
                  .isEqualTo(TerminologyContent.BREAK_GLASS_REASON_SYSTEM);
              assertThat(include.hasConcept()).isFalse();
              assertThat(include.hasFilter()).isFalse();
            });
  }

  @Test
  void accessorsReturnCopiesSoCallersCannotChangeTheContent() {
    ValueSet first = content.valueSet(TerminologyContent.REFERRAL_REASONS).orElseThrow();
    first.getCompose().getInclude().clear();
    ConceptMap map = content.conceptMaps().get(0);
    map.getGroup().clear();

    assertThat(
            content
                .valueSet(TerminologyContent.REFERRAL_REASONS)
                .orElseThrow()
                .getCompose()
                .getInclude())
        .isNotEmpty();
    assertThat(content.conceptMaps().get(0).getGroup()).isNotEmpty();
  }
}
