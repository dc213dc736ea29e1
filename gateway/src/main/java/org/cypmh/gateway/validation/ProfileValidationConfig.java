package org.cypmh.gateway.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.profiles.api.NpmPackageFolder;
import org.cypmh.profiles.api.ProfileValidator;
import org.cypmh.profiles.api.ValidationChain;
import org.hl7.fhir.utilities.settings.FhirSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one validator the gateway builds at start (snapshots generated, validator warmed up) and
 * shares across requests: our profiles, extra NPM packages, and HAPI's JPA terminology (our
 * ValueSets and SNOMED CT as stored), applied to request bodies by {@link IntakeValidation}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "gateway.validation.enabled",
    havingValue = "true",
    matchIfMissing = true)
class ProfileValidationConfig {

  private static final Logger log = LoggerFactory.getLogger(ProfileValidationConfig.class);

  @Bean
  ConformancePackage conformancePackage(FhirContext fhirContext) {
    return ConformancePackage.load(fhirContext);
  }

  @Bean
  NpmPackageFolder npmPackages(FhirContext fhirContext, ValidationProperties properties) {
    NpmPackageFolder packages =
        NpmPackageFolder.load(fhirContext, Path.of(properties.packageDir()));
    log.info("FHIR packages loaded from {}: {}", properties.packageDir(), packages.packageIds());
    if (!packages.missingDependencies().isEmpty()) {
      // Not fatal: profiles needing them give unknown-profile/unknown-extension warnings instead.
      log.warn(
          "FHIR packages depend on packages not in {}: {}; add them there to validate against"
              + " their profiles",
          properties.packageDir(),
          packages.missingDependencies());
    }
    return packages;
  }

  @Bean
  ProfileValidator profileValidator(
      FhirContext fhirContext,
      ConformancePackage conformance,
      NpmPackageFolder packages,
      IValidationSupport jpaValidationSupport,
      DaoRegistry daoRegistry) {
    // The validator must never reach for packages.fhir.org: the gateway has what it needs locally.
    FhirSettings.setProhibitNetworkAccess(true);
    return ProfileValidator.create(
        fhirContext,
        ValidationChain.build(
            fhirContext,
            conformance,
            packages.validationSupport(),
            new StoredTypesOnly(fhirContext, jpaValidationSupport, daoRegistry)));
  }

  @Bean
  LoadedPackages loadedPackages(NpmPackageFolder packages) {
    return new LoadedPackages(packages);
  }

  @Bean
  ValidationWarnings validationWarnings(MeterRegistry meters) {
    return new ValidationWarnings(meters);
  }

  @Bean
  IntakeValidation intakeValidation(
      ProfileValidator validator, ValidationProperties properties, ValidationWarnings warnings) {
    return new IntakeValidation(
        validator.fhirValidator(), new ValidationPolicy(properties), warnings);
  }
}
