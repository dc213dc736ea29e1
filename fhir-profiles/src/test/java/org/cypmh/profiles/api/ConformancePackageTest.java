package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.cypmh.profiles.api.ConformancePackage.Example;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConformancePackageTest {

  private static final ConformancePackage PACKAGE = Validators.PACKAGE;

  @Test
  void packageHoldsSevenProfilesAndThreeExtensions() {
    assertThat(PACKAGE.structureDefinitions())
        .extracting(StructureDefinition::getUrl)
        .containsExactlyInAnyOrder(
            ConformancePackage.PATIENT,
            ConformancePackage.REFERRAL,
            ConformancePackage.REFERRAL_TASK,
            ConformancePackage.CONSENT,
            ConformancePackage.TRANSITION_CAREPLAN,
            ConformancePackage.BRIEF_INTERVENTION,
            ConformancePackage.RELATED_PERSON,
            ConformancePackage.GILLICK_COMPETENCE_EXTENSION,
            ConformancePackage.AGREED_WITH_YOUNG_PERSON_EXTENSION,
            ConformancePackage.BREAK_GLASS_EXTENSION);
  }

  @Test
  void examplesArePinned() {
    Map<Boolean, Long> byValidity =
        PACKAGE.examples().stream()
            .collect(Collectors.partitioningBy(Example::valid, Collectors.counting()));
    assertThat(byValidity).containsEntry(true, 15L).containsEntry(false, 27L);
  }

  @Test
  void everyProfileHasValidAndInvalidExamples() {
    for (String url : ConformancePackage.PROFILE_BY_RESOURCE_TYPE.values()) {
      List<Example> claiming = PACKAGE.examples().stream().filter(e -> claims(e, url)).toList();
      assertThat(claiming).as(url).anyMatch(Example::valid).anyMatch(e -> !e.valid());
    }
  }

  @Test
  void exampleFileNamesStartWithTheProfileTheyClaim() {
    for (Example example : PACKAGE.examples()) {
      String fileName = example.path().substring(example.path().indexOf('/') + 1);
      String profileId = fileName.substring(0, fileName.indexOf("--"));
      assertThat(claims(example, ConformancePackage.profileUrl(profileId)))
          .as(example.path())
          .isTrue();
    }
  }

  @Test
  void everyProfiledResourceTypeMapsToItsProfile() {
    assertThat(ConformancePackage.PROFILE_BY_RESOURCE_TYPE).hasSize(7);
    ConformancePackage.PROFILE_BY_RESOURCE_TYPE.forEach(
        (type, url) ->
            assertThat(PACKAGE.structureDefinition(url))
                .as(url)
                .get()
                .extracting(StructureDefinition::getType)
                .isEqualTo(type));
  }

  @Test
  void profilesArePackagedAsDifferentialsOnly() {
    assertThat(PACKAGE.structureDefinitions())
        .allSatisfy(
            sd -> {
              assertThat(sd.hasSnapshot()).as(sd.getUrl()).isFalse();
              assertThat(sd.getDifferential().getElement()).as(sd.getUrl()).isNotEmpty();
            });
  }

  @Test
  void indexesListEveryPackagedFile() throws Exception {
    assertThat(filesUnder("profiles", false))
        .containsExactlyInAnyOrderElementsOf(
            PACKAGE.structureDefinitions().stream().map(sd -> sd.getIdPart() + ".json").toList());
    assertThat(filesUnder("examples", true))
        .containsExactlyInAnyOrderElementsOf(
            PACKAGE.examples().stream().map(Example::path).toList());
  }

  static Stream<StructureDefinition> structureDefinitions() {
    return PACKAGE.structureDefinitions().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitions")
  void structureDefinitionIsValid(StructureDefinition sd) {
    var result = Validators.VALIDATOR.validate(sd);
    assertThat(Validators.errors(result)).as(Validators.describe(result.getMessages())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structureDefinitions")
  void snapshotIsGeneratedFromTheDifferential(StructureDefinition sd) {
    StructureDefinition withSnapshot =
        (StructureDefinition) Validators.CHAIN.fetchStructureDefinition(sd.getUrl());
    assertThat(withSnapshot.getSnapshot().getElement())
        .as(sd.getUrl())
        .hasSizeGreaterThan(sd.getDifferential().getElement().size());
  }

  @Test
  void loadingNeedsAnR4Context() {
    assertThatThrownBy(() -> ConformancePackage.load(FhirContext.forR5Cached()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("R4");
  }

  private static boolean claims(Example example, String url) {
    return example.resource().getMeta().getProfile().stream()
        .anyMatch(p -> url.equals(p.getValue()));
  }

  /** Files under a classpath folder of target/classes, relative to it, indexes excluded. */
  private static List<String> filesUnder(String folder, boolean recursive)
      throws IOException, URISyntaxException {
    Path root = Path.of(ConformancePackage.class.getResource("/" + folder + "/").toURI());
    try (Stream<Path> files = recursive ? Files.walk(root) : Files.list(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(name -> name.endsWith(".json") && !name.endsWith("expected-issues.json"))
          .toList();
    }
  }
}
