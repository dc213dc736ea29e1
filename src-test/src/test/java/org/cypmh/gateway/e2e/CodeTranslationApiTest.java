package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.cypmh.terminology.api.CodeTranslation;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.api.Translation;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Java translation API routes use, answered by the running gateway's stored ConceptMaps. */
@EmbeddedGateway
class CodeTranslationApiTest {

  @Autowired CodeTranslation translation;

  @Test
  void localFamilySessionCodeTranslatesToBothSnomedConcepts() {
    Translation result =
        translation.translate(
            new Coding(TerminologyContent.VCSE_FIRST_STEPS_SYSTEM, "FS-FAMILY", null),
            TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(result.status()).isEqualTo(Translation.Status.MAPPED);
    assertThat(result.targets())
        .extracting(t -> t.code())
        .containsExactlyInAnyOrder("51484002", "108313002");
  }

  @Test
  void explicitlyUnmappedAndUnknownCodesAreToldApart() {
    Translation dropIn =
        translation.translate(
            new Coding(TerminologyContent.VCSE_FIRST_STEPS_SYSTEM, "FS-DROPIN", null),
            TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED);
    Translation unknown =
        translation.translate(
            new Coding(TerminologyContent.VCSE_FIRST_STEPS_SYSTEM, "FS-NOT-A-CODE", null),
            TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED);

    assertThat(dropIn.status()).isEqualTo(Translation.Status.UNMATCHED);
    assertThat(unknown.status()).isEqualTo(Translation.Status.NOT_IN_MAP);
  }

  @Test
  void camhsNeurodevelopmentalServiceMapsToTwoAdultServices() {
    Translation result =
        translation.translate(
            new Coding(TerminologyContent.SERVICE_TYPE_SYSTEM, "camhs-neurodevelopmental", null),
            TerminologyContent.CAMHS_TO_ADULT_SERVICE_TYPE);

    assertThat(result.targets())
        .extracting(t -> t.code())
        .containsExactlyInAnyOrder("adult-adhd", "adult-cmht");
  }
}
