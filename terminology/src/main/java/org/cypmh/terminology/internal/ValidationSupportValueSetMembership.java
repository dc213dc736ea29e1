package org.cypmh.terminology.internal;

import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport.CodeValidationResult;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.Objects;
import org.cypmh.terminology.api.ValueSetMembership;

/**
 * {@link ValueSetMembership} over a HAPI validation support chain's {@code validateCode}.
 *
 * <p>Internal: obtain one with {@link ValueSetMembership#using}.
 */
public final class ValidationSupportValueSetMembership implements ValueSetMembership {

  private final IValidationSupport validationSupport;

  public ValidationSupportValueSetMembership(IValidationSupport validationSupport) {
    this.validationSupport = Objects.requireNonNull(validationSupport, "validationSupport");
  }

  @Override
  public boolean validateCode(String valueSetUrl, String system, String code) {
    if (valueSetUrl == null || system == null || code == null) {
      return false;
    }
    CodeValidationResult result =
        validationSupport.validateCode(
            new ValidationSupportContext(validationSupport),
            new ConceptValidationOptions(),
            system,
            code,
            null,
            valueSetUrl);
    return result != null && result.isOk();
  }
}
