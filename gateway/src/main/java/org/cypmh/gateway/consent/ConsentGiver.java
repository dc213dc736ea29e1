package org.cypmh.gateway.consent;

import java.time.LocalDate;
import java.time.Period;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * Whose decision a Consent records, and whether it counts for a young person of this age: under 16,
 * a parent or guardian's (RelatedPerson), or the young person's own with a recorded Gillick
 * competence assessment; from 16, only the young person's own.
 */
enum ConsentGiver {
  /** The young person deciding for themselves (16+, or Gillick competent): outranks a parent. */
  YOUNG_PERSON,
  /** A parent or guardian deciding for a young person under 16. */
  PARENT,
  /** A decision that does not count; {@link #whyNot} says why. */
  NOT_VALID;

  private static final int AGE_OF_OWN_CONSENT = 16;

  static ConsentGiver of(Consent consent, Patient patient, LocalDate on) {
    Integer age = ageOn(patient, on);
    for (Reference performer : consent.getPerformer()) {
      String type = performer.getReferenceElement().getResourceType();
      if ("Patient".equals(type) && (isAtLeast16(age) || gillickCompetent(consent))) {
        return YOUNG_PERSON;
      }
      if ("RelatedPerson".equals(type) && !isAtLeast16(age)) {
        return PARENT;
      }
    }
    return NOT_VALID;
  }

  /** Why a Consent's decision does not count, in words. */
  static String whyNot(Consent consent, Patient patient, LocalDate on) {
    boolean byParent =
        consent.getPerformer().stream()
            .anyMatch(p -> "RelatedPerson".equals(p.getReferenceElement().getResourceType()));
    if (byParent && isAtLeast16(ageOn(patient, on))) {
      return "a parent's decision does not count from 16: the young person decides";
    }
    if (consent.getPerformer().stream()
        .anyMatch(p -> "Patient".equals(p.getReferenceElement().getResourceType()))) {
      return "the young person is under 16 and no Gillick competence assessment is recorded";
    }
    return "it was not given by the young person or a parent or guardian";
  }

  /** Whole years on that day, or null if the birth date is unknown. */
  static Integer ageOn(Patient patient, LocalDate on) {
    if (patient == null || !patient.hasBirthDate()) {
      return null;
    }
    LocalDate born = LocalDate.parse(patient.getBirthDateElement().getValueAsString());
    return Period.between(born, on).getYears();
  }

  // An unknown age is treated as under 16: the stricter rule.
  private static boolean isAtLeast16(Integer age) {
    return age != null && age >= AGE_OF_OWN_CONSENT;
  }

  private static boolean gillickCompetent(Consent consent) {
    Extension assessment =
        consent.getExtensionByUrl(ConformancePackage.GILLICK_COMPETENCE_EXTENSION);
    if (assessment == null || assessment.getExtensionByUrl("assessedOn") == null) {
      return false;
    }
    Extension competent = assessment.getExtensionByUrl("competent");
    return competent != null
        && competent.getValue() instanceof BooleanType b
        && Boolean.TRUE.equals(b.getValue());
  }
}
