package org.cypmh.terminology.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.cypmh.terminology.api.TerminologyContent.CAMHS_TO_ADULT_SERVICE_TYPE;
import static org.cypmh.terminology.api.TerminologyContent.SERVICE_TYPE_SYSTEM;
import static org.cypmh.terminology.api.TerminologyContent.SNOMED;
import static org.cypmh.terminology.api.TerminologyContent.VCSE_FIRST_STEPS_SYSTEM;
import static org.cypmh.terminology.api.TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED;

import ca.uhn.fhir.context.FhirContext;
import org.cypmh.terminology.api.Translation.Status;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

/** ConceptMap/$translate over HAPI's in-memory chain, as the routes' translate block calls it. */
class CodeTranslationTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final CodeTranslation translation = CodeTranslation.using(InMemoryChain.of(FHIR));

  @Test
  void familySessionsMapToBothFamilyTherapyConcepts() {
    Translation result = translation.translate(firstSteps("FS-FAMILY"), VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(result.status()).isEqualTo(Status.MAPPED);
    assertThat(result.targets()).hasSize(2);
    assertThat(result.targets().get(0).sameTarget(SNOMED, "51484002")).isTrue();
    assertThat(result.targets().get(0).equivalence()).isEqualTo(ConceptMapEquivalence.WIDER);
    assertThat(result.targets().get(0).target().getDisplay()).isEqualTo("Family therapy");
    assertThat(result.targets().get(1).sameTarget(SNOMED, "108313002")).isTrue();
    assertThat(result.targets().get(1).equivalence()).isEqualTo(ConceptMapEquivalence.RELATEDTO);
  }

  @Test
  void cbtESessionsMapToTheWiderCbtForEatingDisordersConcept() {
    Translation result = translation.translate(firstSteps("FS-CBTE"), VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(result.status()).isEqualTo(Status.MAPPED);
    assertThat(result.targets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.sameTarget(SNOMED, "1111811000000109")).isTrue();
              assertThat(t.equivalence()).isEqualTo(ConceptMapEquivalence.WIDER);
            });
    assertThat(result.source().getCode()).isEqualTo("FS-CBTE");
  }

  @Test
  void dropInPeerSupportIsExplicitlyUnmatched() {
    Translation result = translation.translate(firstSteps("FS-DROPIN"), VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(result.status()).isEqualTo(Status.UNMATCHED);
    assertThat(result.targets()).isEmpty();
  }

  @Test
  void guidedSelfHelpIsNotInTheMapBecauseItIsNotReviewedYet() {
    Translation result =
        translation.translate(firstSteps("FS-GUIDED-SELFHELP"), VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(result.status()).isEqualTo(Status.NOT_IN_MAP);
  }

  @Test
  void codeFromAnotherSystemIsNotInTheMap() {
    // The right code under the wrong system: the map's group source is the charity's system.
    Coding localCodeUnderSnomed = new Coding(SNOMED, "FS-FAMILY", null);

    assertThat(translation.translate(localCodeUnderSnomed, VCSE_FIRST_STEPS_TO_SNOMED).status())
        .isEqualTo(Status.NOT_IN_MAP);
  }

  @Test
  void unknownConceptMapGivesNotInMap() {
    Translation result =
        translation.translate(
            firstSteps("FS-FAMILY"), TerminologyContent.CANONICAL_BASE + "/ConceptMap/no-such-map");

    assertThat(result.status()).isEqualTo(Status.NOT_IN_MAP);
  }

  @Test
  void neurodevelopmentalServiceMapsToAdultAdhdAndCommunityTeam() {
    Translation result =
        translation.translate(serviceType("camhs-neurodevelopmental"), CAMHS_TO_ADULT_SERVICE_TYPE);

    assertThat(result.status()).isEqualTo(Status.MAPPED);
    assertThat(result.targets())
        .extracting(TranslationTarget::code, TranslationTarget::equivalence)
        .containsExactly(
            tuple("adult-adhd", ConceptMapEquivalence.NARROWER),
            tuple("adult-cmht", ConceptMapEquivalence.RELATEDTO));
    assertThat(result.targets()).allMatch(t -> t.system().equals(SERVICE_TYPE_SYSTEM));
  }

  @Test
  void crisisTeamHandsOverToTheAdultCrisisTeam() {
    Translation result =
        translation.translate(serviceType("camhs-crisis"), CAMHS_TO_ADULT_SERVICE_TYPE);

    assertThat(result.targets())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.code()).isEqualTo("adult-crisis");
              assertThat(t.equivalence()).isEqualTo(ConceptMapEquivalence.EQUIVALENT);
            });
  }

  @Test
  void mentalHealthSupportTeamHasNoAdultSuccessor() {
    assertThat(translation.translate(serviceType("mhst"), CAMHS_TO_ADULT_SERVICE_TYPE).status())
        .isEqualTo(Status.UNMATCHED);
  }

  @Test
  void everyCamhsServiceTypeGetsAnAnswerFromTheTransitionMap() {
    ValueSet camhs =
        TerminologyContent.load(FHIR)
            .valueSet(TerminologyContent.CAMHS_SERVICE_TYPES)
            .orElseThrow();

    for (ValueSet.ConceptReferenceComponent concept :
        camhs.getCompose().getIncludeFirstRep().getConcept()) {
      assertThat(
              translation
                  .translate(serviceType(concept.getCode()), CAMHS_TO_ADULT_SERVICE_TYPE)
                  .status())
          .as(concept.getCode())
          .isNotEqualTo(Status.NOT_IN_MAP);
    }
  }

  @Test
  void adultServiceTypeIsNotASourceOfTheTransitionMap() {
    assertThat(
            translation.translate(serviceType("adult-cmht"), CAMHS_TO_ADULT_SERVICE_TYPE).status())
        .isEqualTo(Status.NOT_IN_MAP);
  }

  @Test
  void sameMapAnsweredByTwoChainElementsGivesEachTargetOnce() {
    // As when the in-memory element is added to a JPA chain that also stores the ConceptMaps.
    TerminologyContent content = TerminologyContent.load(FHIR);
    CodeTranslation doubled =
        CodeTranslation.using(
            InMemoryChain.of(
                FHIR, content, TerminologySupports.conceptMapTranslation(FHIR, content)));

    assertThat(doubled.translate(firstSteps("FS-FAMILY"), VCSE_FIRST_STEPS_TO_SNOMED).targets())
        .hasSize(2);
  }

  @Test
  void translationNeedsACodeAndAConceptMap() {
    assertThatThrownBy(() -> translation.translate(new Coding(), VCSE_FIRST_STEPS_TO_SNOMED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> translation.translate(firstSteps("FS-FAMILY"), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Coding firstSteps(String code) {
    return new Coding(VCSE_FIRST_STEPS_SYSTEM, code, null);
  }

  private static Coding serviceType(String code) {
    return new Coding(SERVICE_TYPE_SYSTEM, code, null);
  }
}
