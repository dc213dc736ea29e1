package org.cypmh.terminology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.context.support.TranslateConceptResult;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import java.util.List;
import org.cypmh.terminology.api.Translation;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;

/**
 * Reading HAPI's translate results the way HAPI JPA 8.8 returns them, without a database: an
 * unmatched source comes back as a result without a code.
 */
class ValidationSupportCodeTranslationTest {

  private static final Coding SOURCE = new Coding("urn:example:local", "X1", null);

  @Test
  void noResultsMeansTheCodeIsNotInTheMap() {
    assertThat(ValidationSupportCodeTranslation.toTranslation(SOURCE, null).status())
        .isEqualTo(Translation.Status.NOT_IN_MAP);
    assertThat(ValidationSupportCodeTranslation.toTranslation(SOURCE, results()).status())
        .isEqualTo(Translation.Status.NOT_IN_MAP);
  }

  @Test
  void jpaStyleUnmatchedResultWithoutCodeIsUnmatched() {
    Translation translation =
        ValidationSupportCodeTranslation.toTranslation(
            SOURCE, results(result("http://snomed.info/sct", null, "unmatched")));

    assertThat(translation.status()).isEqualTo(Translation.Status.UNMATCHED);
  }

  @Test
  void disjointTargetIsNotATranslation() {
    Translation translation =
        ValidationSupportCodeTranslation.toTranslation(
            SOURCE, results(result("http://snomed.info/sct", "24172008", "disjoint")));

    assertThat(translation.status()).isEqualTo(Translation.Status.UNMATCHED);
  }

  @Test
  void codedTargetsAreKeptInOrderAlongsideAnUnmatchedEntry() {
    Translation translation =
        ValidationSupportCodeTranslation.toTranslation(
            SOURCE,
            results(
                result("http://snomed.info/sct", "51484002", "wider"),
                result("http://snomed.info/sct", null, "unmatched"),
                result("http://snomed.info/sct", "108313002", "relatedto")));

    assertThat(translation.status()).isEqualTo(Translation.Status.MAPPED);
    assertThat(translation.targets())
        .extracting(t -> t.code(), t -> t.equivalence())
        .containsExactly(
            tuple("51484002", ConceptMapEquivalence.WIDER),
            tuple("108313002", ConceptMapEquivalence.RELATEDTO));
  }

  @Test
  void missingEquivalenceIsReportedAsNull() {
    Translation translation =
        ValidationSupportCodeTranslation.toTranslation(
            SOURCE, results(result("http://snomed.info/sct", "51484002", null)));

    assertThat(translation.targets().get(0).equivalence()).isEqualTo(ConceptMapEquivalence.NULL);
  }

  @Test
  void unknownEquivalenceIsAContentError() {
    TranslateConceptResults results =
        results(result("http://snomed.info/sct", "51484002", "related-to"));

    assertThatThrownBy(() -> ValidationSupportCodeTranslation.toTranslation(SOURCE, results))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("related-to");
  }

  private static TranslateConceptResult result(String system, String code, String equivalence) {
    return new TranslateConceptResult().setSystem(system).setCode(code).setEquivalence(equivalence);
  }

  private static TranslateConceptResults results(TranslateConceptResult... results) {
    TranslateConceptResults answer = new TranslateConceptResults();
    answer.setResults(List.of(results));
    return answer;
  }
}
