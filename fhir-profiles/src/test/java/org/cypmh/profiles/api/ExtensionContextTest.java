package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.profiles.api.ConformancePackage.CANONICAL_BASE;

import ca.uhn.fhir.validation.SingleValidationMessage;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
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

  @Test
  void breakGlassIsOnlyAllowedOnServiceRequests() {
    Patient patient = TestReferrals.youngPerson();
    patient.addExtension(breakGlass("safeguarding"));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(patient)))
        .singleElement()
        .extracting(SingleValidationMessage::getMessage)
        .asString()
        .contains("is not allowed to be used");
  }

  @Test
  void breakGlassOnAReferralIsValid() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.addExtension(breakGlass("vital-interests"));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(referral))).isEmpty();
  }

  @Test
  void breakGlassReasonMustComeFromTheBreakGlassReasons() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.addExtension(breakGlass("clinician-preference"));

    assertThat(Validators.errors(Validators.VALIDATOR.validate(referral)))
        .isNotEmpty()
        .allSatisfy(
            e ->
                assertThat(e.getLocationString())
                    .startsWith("ServiceRequest.extension[0].extension[0]"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains("cypmh-break-glass-reason"));
  }

  private static Extension breakGlass(String reason) {
    Extension breakGlass = new Extension(ConformancePackage.BREAK_GLASS_EXTENSION);
    breakGlass.addExtension(
        "reason",
        new Coding(CANONICAL_BASE + "/CodeSystem/cypmh-break-glass-reason", reason, null));
    breakGlass.addExtension(
        "statement", new StringType("Disclosed harm at home today; cannot wait for consent."));
    return breakGlass;
  }
}
