package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain.CacheConfiguration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Builds the HAPI validation support chain the gateway validates with.
 *
 * <p>Order matters: the first support that answers wins. Base FHIR definitions come first, then
 * ours, then whatever the caller adds (the terminology module's ValueSets and CodeSystems, the JPA
 * server's stored conformance resources, NPM packages from {@link NpmPackageFolder}); only then the
 * generic services that work from what the earlier ones provide (snapshot generation, in-memory
 * ValueSet expansion, the code systems HAPI knows without data such as UCUM and MIME types).
 *
 * <p>Our profiles are packaged as differentials. {@link #build} generates their snapshots at once
 * with the chain's {@link SnapshotGeneratingValidationSupport} and keeps them, so a broken
 * differential stops the gateway at startup rather than failing the first referral, and the first
 * request does not pay for snapshot generation.
 *
 * <p>Caching is the chain's own ({@link CacheConfiguration#defaultValues()}): HAPI 8 deprecated the
 * separate {@code CachingValidationSupport} wrapper in its favour.
 */
public final class ValidationChain {

  private ValidationChain() {}

  /**
   * @param fhirContext an R4 context, shared with the validator built on this chain
   * @param conformancePackage our StructureDefinitions
   * @param extraSupports inserted after our profiles, in order; typically the terminology module's
   *     support (tests use a stub) and {@link NpmPackageFolder#validationSupport()}
   * @throws IllegalStateException if a profile's snapshot cannot be generated
   */
  public static ValidationSupportChain build(
      FhirContext fhirContext,
      ConformancePackage conformancePackage,
      List<? extends IValidationSupport> extraSupports) {
    PrePopulatedValidationSupport ours = new PrePopulatedValidationSupport(fhirContext);
    conformancePackage.structureDefinitions().forEach(sd -> ours.addStructureDefinition(sd.copy()));

    List<IValidationSupport> supports = new ArrayList<>();
    supports.add(new DefaultProfileValidationSupport(fhirContext));
    supports.add(ours);
    supports.addAll(extraSupports);
    supports.add(new SnapshotGeneratingValidationSupport(fhirContext));
    supports.add(new InMemoryTerminologyServerValidationSupport(fhirContext));
    supports.add(new CommonCodeSystemsTerminologyService(fhirContext));
    ValidationSupportChain chain =
        new ValidationSupportChain(CacheConfiguration.defaultValues(), supports);
    generateSnapshots(chain, ours, conformancePackage);
    return chain;
  }

  private static void generateSnapshots(
      ValidationSupportChain chain,
      PrePopulatedValidationSupport ours,
      ConformancePackage conformancePackage) {
    ValidationSupportContext context = new ValidationSupportContext(chain);
    for (StructureDefinition differential : conformancePackage.structureDefinitions()) {
      String url = differential.getUrl();
      IBaseResource generated =
          chain.generateSnapshot(context, differential.copy(), url, null, differential.getName());
      if (!(generated instanceof StructureDefinition withSnapshot)
          || withSnapshot.getSnapshot().getElement().isEmpty()) {
        throw new IllegalStateException("Cannot generate the snapshot of profile " + url);
      }
      ours.addStructureDefinition(withSnapshot);
    }
    // Profiles fetched while generating (e.g. an extension used by a profile) were cached as
    // differentials; drop them so the validator sees the snapshots.
    chain.invalidateCaches();
  }

  /** Same as {@link #build(FhirContext, ConformancePackage, List)}. */
  public static ValidationSupportChain build(
      FhirContext fhirContext,
      ConformancePackage conformancePackage,
      IValidationSupport... extraSupports) {
    return build(fhirContext, conformancePackage, List.of(extraSupports));
  }
}
