package org.cypmh.terminology.content;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionDesignationComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The packaged SNOMED CT fragment and SNOMED ValueSets agree with the seed TSV, concept by concept.
 * To change them, edit the TSV (or {@link SnomedContentGenerator}) and regenerate:
 *
 * <pre>
 * mvn -pl terminology test -Dtest=SnomedContentMatchesSeedTest -Dterminology.regenerate=true
 * </pre>
 */
class SnomedContentMatchesSeedTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final List<SeedConcept> SEED = SeedTsv.load();

  @Test
  void packagedSeedIsTheVerbatimCopyNamedInItsProvenance() throws Exception {
    byte[] tsv = packaged("snomed-cypmh-seed.tsv").getBytes(StandardCharsets.UTF_8);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tsv));

    assertThat(packaged("snomed-cypmh-seed.PROVENANCE.md")).contains(sha256);
  }

  @Test
  void seedHasSeventyNineConceptsWithUniqueCodes() {
    assertThat(SEED).hasSize(79);
    assertThat(SEED.stream().map(SeedConcept::code).distinct()).hasSize(79);
  }

  @Test
  void fragmentHasEverySeedConceptAndNoOther() {
    CodeSystem fragment = content().snomedFragment();

    assertThat(fragment.getContent()).isEqualTo(CodeSystemContentMode.FRAGMENT);
    assertThat(fragment.getVersion()).isEqualTo("http://snomed.info/sct/83821000000107");
    assertThat(fragment.hasCount()).as("count of a fragment means SNOMED CT's total").isFalse();
    assertThat(fragment.getConcept())
        .extracting(ConceptDefinitionComponent::getCode)
        .containsExactlyElementsOf(SEED.stream().map(SeedConcept::code).toList());
  }

  @Test
  void fragmentDisplayIsTheSeedTermWithoutItsSemanticTag() {
    Map<String, ConceptDefinitionComponent> byCode = fragmentByCode();

    for (SeedConcept row : SEED) {
      String display = byCode.get(row.code()).getDisplay();
      assertThat(display).as(row.code()).isEqualTo(row.display());
      assertThat(row.term()).as(row.code()).startsWith(display);
    }
    assertThat(byCode.get("3457005").getDisplay()).isEqualTo("Patient referral");
    assertThat(byCode.get("51484002").getDisplay()).isEqualTo("Family therapy");
  }

  @Test
  void fullySpecifiedNameIsKeptOnlyWhereTheSeedTermHasASemanticTag() {
    Map<String, ConceptDefinitionComponent> byCode = fragmentByCode();

    long tagged = 0;
    for (SeedConcept row : SEED) {
      List<ConceptDefinitionDesignationComponent> designations =
          byCode.get(row.code()).getDesignation();
      if (row.fullySpecifiedName().isPresent()) {
        tagged++;
        assertThat(designations).as(row.code()).hasSize(1);
        assertThat(designations.get(0).getValue()).isEqualTo(row.term());
        assertThat(designations.get(0).getUse().getSystem()).isEqualTo(TerminologyContent.SNOMED);
        assertThat(designations.get(0).getUse().getCode()).isEqualTo("900000000000003001");
      } else {
        assertThat(designations).as(row.code()).isEmpty();
      }
    }
    assertThat(tagged).isEqualTo(56);
  }

  @Test
  void fragmentKeepsCategoryActiveFlagAndSourceAsProperties() {
    Map<String, ConceptDefinitionComponent> byCode = fragmentByCode();
    assertThat(content().snomedFragment().getProperty())
        .extracting(CodeSystem.PropertyComponent::getCode)
        .containsExactly("category", "inactive", "source");

    for (SeedConcept row : SEED) {
      ConceptDefinitionComponent concept = byCode.get(row.code());
      assertThat(property(concept, "category").primitiveValue()).isEqualTo(row.category());
      assertThat(((BooleanType) property(concept, "inactive")).booleanValue())
          .isEqualTo(!row.active());
      assertThat(property(concept, "source").primitiveValue()).isEqualTo(row.source());
    }
  }

  @Test
  void snomedValueSetsListEveryConceptOfTheirSeedCategoryAndNoOther() {
    for (SnomedContentGenerator.SnomedValueSet definition : SnomedContentGenerator.VALUE_SETS) {
      ValueSet valueSet = content().valueSet(definition.url()).orElseThrow();
      List<String> expected =
          SEED.stream()
              .filter(row -> row.category().equals(definition.category()))
              .map(SeedConcept::code)
              .toList();

      assertThat(valueSet.getCompose().getInclude()).hasSize(1);
      assertThat(valueSet.getCompose().getIncludeFirstRep().getConcept())
          .as(definition.url())
          .extracting(ValueSet.ConceptReferenceComponent::getCode)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void packagedSnomedFilesAreExactlyWhatTheGeneratorProduces() throws IOException {
    Map<String, String> generated = new SnomedContentGenerator(FHIR).generate(SEED);

    for (Map.Entry<String, String> file : generated.entrySet()) {
      assertThat(packaged(file.getKey()))
          .as("%s is generated: regenerate it instead of editing it", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  /** Not a check: rewrites the generated files when asked to (see the class comment). */
  @Test
  @EnabledIfSystemProperty(named = "terminology.regenerate", matches = "true")
  void regenerateSnomedFiles() throws IOException {
    // Surefire runs with the module folder as working directory.
    new SnomedContentGenerator(FHIR).writeTo(Path.of("src/main/resources/terminology"), SEED);
  }

  /** Loaded per test, not statically, so that regeneration works when a file is missing. */
  private static TerminologyContent content() {
    return TerminologyContent.load(FHIR);
  }

  private static Map<String, ConceptDefinitionComponent> fragmentByCode() {
    return content().snomedFragment().getConcept().stream()
        .collect(Collectors.toMap(ConceptDefinitionComponent::getCode, Function.identity()));
  }

  private static org.hl7.fhir.r4.model.Type property(
      ConceptDefinitionComponent concept, String code) {
    return concept.getProperty().stream()
        .filter(p -> p.getCode().equals(code))
        .findFirst()
        .orElseThrow(() -> new AssertionError(concept.getCode() + " has no property " + code))
        .getValue();
  }

  private static String packaged(String file) throws IOException {
    try (InputStream in =
        SnomedContentMatchesSeedTest.class.getResourceAsStream("/terminology/" + file)) {
      assertThat(in).as("packaged file %s", file).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
