package org.cypmh.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.BaseHapiFhirDao;
import java.lang.reflect.Method;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The text a rebuild indexes is the text HAPI indexes when it writes a resource: the narrative's
 * words are compared with HAPI's own (private) extraction, so an upgrade that changes it fails here
 * instead of leaving rebuilt documents different from written ones.
 */
class ResourceTextTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void narrativeIsItsWordsWithoutMarkupAsHapiExtractsThem() throws Exception {
    Patient patient = patient("Okafor");
    Narrative text = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
    text.setDivAsString(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Jordan <b>Okafor</b></p>"
            + "<p>born 2009</p></div>");
    patient.setText(text);

    // Each run of characters is followed by a space, hence two after "Jordan ".
    assertThat(ResourceText.narrative(patient)).isEqualTo("Jordan  Okafor born 2009 ");
    for (IBaseResource resource : List.of(patient, patient("Adeyemi"), new Bundle())) {
      assertThat(ResourceText.narrative(resource)).isEqualTo(hapisNarrativeText(resource));
    }
    assertThat(ResourceText.narrative(null)).isNull();
  }

  @Test
  void contentIsEveryStringValueOnALine() {
    Patient patient = patient("Okafor");
    patient.getNameFirstRep().addGiven("Jordan");

    assertThat(ResourceText.content(FHIR, patient)).isEqualTo("Okafor\nJordan\n");
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static String hapisNarrativeText(IBaseResource resource) throws Exception {
    Method extraction =
        BaseHapiFhirDao.class.getDeclaredMethod("parseNarrativeTextIntoWords", IBaseResource.class);
    extraction.setAccessible(true);
    return (String) extraction.invoke(null, resource);
  }
}
