package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

class ExtensionContextTest {

  @Test
  void agreedWithYoungPersonIsOnlyAllowedOnCarePlans() {
    Patient patient = TestReferrals.youngPerson();
    patient.addExtension(
        new Extension(
            ConformancePackage.AGREED_WITH_YOUNG_PERSON_EXTENSION, new BooleanType(true)));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(patient)))
        .singleElement()
        .extracting(SingleValidationMessage::getMessage)
        .asString()
        .contains("is not allowed to be used");
  }

  @Test
  void gillickCompetenceIsOnlyAllowedOnConsents() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    Extension gillick =
        referral.addExtension().setUrl(ConformancePackage.GILLICK_COMPETENCE_EXTENSION);
    gillick.addExtension("competent", new BooleanType(true));
    gillick.addExtension("assessedOn", new DateTimeType("2026-11-18"));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(referral)))
        .singleElement()
        .extracting(SingleValidationMessage::getMessage)
        .asString()
        .contains("is not allowed to be used");
  }
}
