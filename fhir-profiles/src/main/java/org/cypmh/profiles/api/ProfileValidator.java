package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;

/**
 * The gateway's validator: HAPI's instance validator on a {@link ValidationChain}, plus the NHS
 * number check. Build it once at startup and share it; it is thread-safe, and its caches (parsed
 * profiles, snapshots, ValueSet expansions) are what make validation cheap after warm-up.
 */
public final class ProfileValidator {

  private final FhirValidator fhirValidator;
  private final List<IValidatorModule> modules;

  private ProfileValidator(FhirValidator fhirValidator, List<IValidatorModule> modules) {
    this.fhirValidator = fhirValidator;
    this.modules = List.copyOf(modules);
  }

  /**
   * A validator, already warmed up, that applies {@link
   * ConformancePackage#PROFILE_BY_RESOURCE_TYPE} to every resource of those types (root, Bundle
   * entries, contained), whether or not it claims the profile.
   */
  public static ProfileValidator create(FhirContext fhirContext, IValidationSupport chain) {
    return create(fhirContext, chain, ConformancePackage.PROFILE_BY_RESOURCE_TYPE);
  }

  /**
   * @param profileByResourceType profile to apply per resource type in addition to the profiles a
   *     resource claims; empty to validate only against claimed profiles
   */
  public static ProfileValidator create(
      FhirContext fhirContext,
      IValidationSupport chain,
      Map<String, String> profileByResourceType) {
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    // A resource claiming a profile we do not have must not pass as if it conformed to it.
    instanceValidator.setErrorForUnknownProfiles(true);
    // References are checked for type ("Patient/123" where Reference(Patient) is required); the
    // target's existence is the server's business, not the validator's.
    instanceValidator.setAssumeValidRestReferences(true);
    // Best-practice rules (e.g. dom-6 "should have narrative") only ever warn, and partner systems
    // exchanging referrals neither send nor read narrative: they would be noise in every outcome.
    instanceValidator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
    instanceValidator.setValidatorPolicyAdvisor(
        new ProfileByTypePolicyAdvisor(profileByResourceType));

    // Order matters: the location fix rewrites issues the instance validator has just raised.
    List<IValidatorModule> modules =
        List.of(
            instanceValidator, new MissingElementLocationModule(), new NhsNumberValidatorModule());
    FhirValidator validator = fhirContext.newValidator();
    modules.forEach(validator::registerValidatorModule);
    // The instance validator builds its R5 worker context on first use (about a second); pay that
    // here, at startup, rather than in the first partner's request. The outcome is irrelevant.
    validator.validateWithResult(new Patient());
    return new ProfileValidator(validator, modules);
  }

  /** The configured HAPI validator, for callers that need its full API. */
  public FhirValidator fhirValidator() {
    return fhirValidator;
  }

  /**
   * The modules behind {@link #fhirValidator()}, in the order they must run, for HAPI interceptors
   * that take modules rather than a validator (e.g. {@code
   * RequestValidatingInterceptor#setValidatorModules}).
   */
  public List<IValidatorModule> modules() {
    return modules;
  }

  public ValidationResult validate(IBaseResource resource) {
    return fhirValidator.validateWithResult(resource);
  }

  /** Validates a JSON or XML resource as received, so issues can carry line numbers. */
  public ValidationResult validate(String resourceText) {
    return fhirValidator.validateWithResult(resourceText);
  }
}
