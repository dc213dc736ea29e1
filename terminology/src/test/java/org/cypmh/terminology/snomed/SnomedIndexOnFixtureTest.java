package org.cypmh.terminology.snomed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cypmh.terminology.rf2.Rf2Fixture;
import org.cypmh.terminology.rf2.Rf2Fixture.Part;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hierarchy, ECL and implicit ValueSets over the RF2 fixture with real subsumption between seed
 * concepts ({@link Rf2Fixture#KNOWN_SUBSUMPTION}), read from its files as an operator's release.
 */
class SnomedIndexOnFixtureTest {

  private static SnomedIndex index;
  private static Path release;

  @BeforeAll
  static void readTheFixture(@TempDir Path folder) throws IOException {
    release = Rf2Fixture.fromPackagedContent().withKnownSubsumption().writeTo(folder).root();
    index = Rf2Reader.read(Rf2Files.locate(List.of(release)));
  }

  @Test
  void everyConceptOfBothPartsIsReadWithItsPreferredTerm() {
    assertThat(index.conceptCount()).isEqualTo(81);
    assertThat(index.concept("72366004").orElseThrow().display()).isEqualTo("Eating disorder");
    assertThat(index.concept("72366004").orElseThrow().fullySpecifiedName())
        .isEqualTo("Eating disorder (disorder)");
    assertThat(index.concept("1127191000000108").orElseThrow().display())
        .isEqualTo("First episode psychosis");
  }

  @Test
  void isaImplicitValueSetIsTheConceptAndItsDescendants() {
    assertThat(implicit("http://snomed.info/sct?fhir_vs=isa/72366004").codes())
        .containsExactlyInAnyOrder("72366004", "56882008", "78004001", "439960005");
  }

  @Test
  void descendantsAndDescendantsOrSelfFollowTheWholeChain() {
    assertThat(index.ecl("< 3457005 |Patient referral|").codes())
        .containsExactlyInAnyOrder("306206005", "183524004", "306134009", "390866009");
    assertThat(index.ecl("<< 306206005").codes())
        .containsExactlyInAnyOrder("306206005", "183524004", "306134009");
    assertThat(index.ecl("<! 306206005").codes()).containsExactly("183524004");
  }

  @Test
  void ancestorsGoUpToTheRoot() {
    assertThat(index.ecl("> 306134009").codes())
        .containsExactlyInAnyOrder("183524004", "306206005", "3457005", "138875005");
    assertThat(index.ecl(">> 56882008").codes())
        .containsExactlyInAnyOrder("56882008", "72366004", "138875005");
    assertThat(index.ecl(">! 56882008").codes()).containsExactly("72366004");
  }

  @Test
  void conjunctionDisjunctionAndExclusion() {
    assertThat(index.ecl("<< 72366004 MINUS 56882008").codes())
        .containsExactlyInAnyOrder("72366004", "78004001", "439960005");
    assertThat(index.ecl("< 72366004 OR < 197480006").codes())
        .containsExactlyInAnyOrder("56882008", "78004001", "439960005", "21897009", "11806006");
    assertThat(index.ecl("<< 75516001 AND << 228557008").codes()).containsExactly("228557008");
    assertThat(index.ecl("(<< 72366004 OR << 568005) MINUS (< 72366004)").codes())
        .containsExactlyInAnyOrder("72366004", "568005", "5158005");
  }

  @Test
  void anUnknownConceptSelectsNothingAndBadSyntaxIsRefusedWithItsPosition() {
    assertThat(index.ecl("<< 73211009").size()).isZero();
    assertThatThrownBy(() -> index.ecl("<< 72366004 ANDD 1"))
        .isInstanceOf(EclException.class)
        .hasMessageContaining("at character");
  }

  @Test
  void theExtensionIsRecognisedAsNeedingItsBase() {
    Path ukOnly = release.resolve(Part.UK_CLINICAL.packageFolder());

    assertThat(Rf2Reader.hasInternationalBase(Rf2Files.locate(List.of(release)))).isTrue();
    assertThat(Rf2Reader.hasInternationalBase(Rf2Files.locate(List.of(ukOnly)))).isFalse();
  }

  @Test
  void implicitValueSetUrlsNameTheirEcl() {
    assertThat(ImplicitValueSet.of("http://snomed.info/sct?fhir_vs").orElseThrow().ecl())
        .isEqualTo("*");
    assertThat(ImplicitValueSet.of("http://snomed.info/sct?fhir_vs=refset/123456789").orElseThrow())
        .extracting(ImplicitValueSet::ecl)
        .isEqualTo("^ 123456789");
    assertThat(
            ImplicitValueSet.of("http://snomed.info/sct?fhir_vs=ecl/%3C%3C%2072366004")
                .orElseThrow()
                .ecl())
        .isEqualTo("<< 72366004");
    assertThat(ImplicitValueSet.of("https://cypmh-gateway.org/fhir/ValueSet/x")).isEmpty();
    assertThatThrownBy(() -> ImplicitValueSet.of("http://snomed.info/sct?fhir_vs=isa/abc"))
        .isInstanceOf(EclException.class);
  }

  @Test
  void filterMatchesWordPrefixesInAnyOrderOverTheWholeScope() {
    ConceptSet eatingDisorders = implicit("http://snomed.info/sct?fhir_vs=isa/72366004");

    Expansion result = index.expand(eatingDisorders, "disorder eat", true, 0, 10);

    assertThat(result.total()).isEqualTo(2);
    assertThat(result.concepts())
        .extracting(SnomedConcept::code)
        .containsExactly("72366004", "439960005");
  }

  private static ConceptSet implicit(String url) {
    return index.ecl(ImplicitValueSet.of(url).orElseThrow().ecl());
  }
}
