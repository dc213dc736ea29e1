package org.cypmh.terminology.api;

import ca.uhn.fhir.context.support.IValidationSupport;
import org.cypmh.terminology.internal.ValidationSupportValueSetMembership;

/**
 * Whether a code is in a ValueSet: the module's contract for FHIR's {@code
 * ValueSet/$validate-code}, reduced to the yes/no that routing rules ask ("is a reason for referral
 * in the risk indicators?").
 */
public interface ValueSetMembership {

  /**
   * @param valueSetUrl canonical URL of the ValueSet
   * @param system the code's system, e.g. {@code http://snomed.info/sct}
   * @param code the code
   * @return true only if the terminology says the code is in the ValueSet; false for an unknown
   *     ValueSet too
   */
  boolean validateCode(String valueSetUrl, String system, String code);

  /** Membership answered by a HAPI validation support chain (JPA: stored ValueSets). */
  static ValueSetMembership using(IValidationSupport validationSupport) {
    return new ValidationSupportValueSetMembership(validationSupport);
  }
}
