package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.profiles.api.TestReferrals.nhsNumber;

import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

class NhsNumberValidatorModuleTest {

  private static final String WRONG_CHECK_DIGIT = "9449305553";

  // The module alone: these tests are about where it looks, not about the profiles.
  private final FhirValidator validator =
      Validators.FHIR.newValidator().registerValidatorModule(new NhsNumberValidatorModule());

  @Test
  void patientWithWrongCheckDigitIsRejectedAtTheIdentifierValue() {
    Patient patient = TestReferrals.youngPerson();
    patient.getIdentifier().clear();
    patient.addIdentifier(new Identifier().setSystem("https://example.org/local").setValue("L1"));
    patient.addIdentifier(nhsNumber(WRONG_CHECK_DIGIT));

    assertThat(errors(patient))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLocationString()).isEqualTo("Patient.identifier[1].value");
              assertThat(e.getMessageId()).isEqualTo(NhsNumberValidatorModule.WRONG_CHECK_DIGIT_ID);
              assertThat(e.getMessage()).doesNotContain(WRONG_CHECK_DIGIT);
            });
  }

  @Test
  void nhsNumberWithSpacesIsRejectedAsWrongFormat() {
    Patient patient = TestReferrals.youngPerson();
    patient.getIdentifierFirstRep().setValue("944 930 5552");

    assertThat(errors(patient))
        .singleElement()
        .extracting(SingleValidationMessage::getMessageId)
        .isEqualTo(NhsNumberValidatorModule.WRONG_FORMAT_ID);
  }

  @Test
  void wrongNhsNumberInReferenceIdentifierIsRejected() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.setSubject(new Reference().setIdentifier(nhsNumber(WRONG_CHECK_DIGIT)));

    assertThat(errors(referral))
        .extracting(SingleValidationMessage::getLocationString)
        .containsExactly("ServiceRequest.subject.identifier.value");
  }

  @Test
  void wrongNhsNumberInContainedPatientIsRejected() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    Patient contained = TestReferrals.youngPerson();
    contained.setId("#p1");
    contained.getIdentifierFirstRep().setValue(WRONG_CHECK_DIGIT);
    referral.addContained(contained);
    referral.setSubject(new Reference("#p1"));

    assertThat(errors(referral))
        .extracting(SingleValidationMessage::getLocationString)
        .containsExactly("ServiceRequest.contained[0].identifier[0].value");
  }

  @Test
  void wrongNhsNumberInBundleEntryIsRejected() {
    Bundle bundle = TestReferrals.eatingDisorderTransaction();
    ((Patient) bundle.getEntry().get(0).getResource())
        .getIdentifierFirstRep()
        .setValue(WRONG_CHECK_DIGIT);
    ((ServiceRequest) bundle.getEntry().get(1).getResource())
        .getRequester()
        .setIdentifier(nhsNumber("9000000001"));

    assertThat(errors(bundle))
        .extracting(SingleValidationMessage::getLocationString)
        .containsExactlyInAnyOrder(
            "Bundle.entry[0].resource.identifier[0].value",
            "Bundle.entry[1].resource.requester.identifier.value");
  }

  @Test
  void wrongNhsNumberInAnExtensionIsRejected() {
    Patient patient = TestReferrals.youngPerson();
    patient.addExtension(
        new Extension("https://example.org/previous-nhs-number", nhsNumber(WRONG_CHECK_DIGIT)));

    assertThat(errors(patient))
        .extracting(SingleValidationMessage::getLocationString)
        .containsExactly("Patient.extension[0].value.value");
  }

  @Test
  void validNhsNumbersAndOtherIdentifierSystemsPass() {
    Bundle bundle = TestReferrals.eatingDisorderTransaction();
    ((Patient) bundle.getEntry().get(0).getResource())
        .addIdentifier(new Identifier().setSystem("https://example.org/local").setValue("123"));

    assertThat(errors(bundle)).isEmpty();
  }

  private List<SingleValidationMessage> errors(IBaseResource resource) {
    return validator.validateWithResult(resource).getMessages().stream()
        .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR)
        .toList();
  }
}
