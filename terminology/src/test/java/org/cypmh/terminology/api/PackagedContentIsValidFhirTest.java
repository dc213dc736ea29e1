package org.cypmh.terminology.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.MetadataResource;
import org.junit.jupiter.api.Test;

/**
 * Every packaged resource is valid FHIR R4 for HAPI's instance validator, checked against the
 * in-memory chain with this module's content.
 *
 * <p>Warnings are accepted: no narrative (dom-6), and the SNOMED CT fully specified name use code
 * 900000000000003001 not being in the seed fragment nor in FHIR's designation-use ValueSet (it is
 * the SNOMED CT way to mark a fully specified name).
 */
class PackagedContentIsValidFhirTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Test
  void everyPackagedResourceValidatesWithoutErrors() {
    FhirValidator validator = FHIR.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(InMemoryChain.of(FHIR)));

    for (MetadataResource resource : TerminologyContent.load(FHIR).all()) {
      List<SingleValidationMessage> errors =
          validator.validateWithResult(resource).getMessages().stream()
              .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
              .toList();
      assertThat(errors).as(resource.getUrl()).isEmpty();
    }
  }
}
