package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.utilities.settings.FhirSettings;

/**
 * What validating one UK Core referral costs with the UK Core package loaded: the nine-resource
 * transaction of {@code src-test/src/test/resources/uk-core/referral-transaction.json} (UK Core
 * Patient with its extensions, RelatedPerson, Organization, Practitioner, Encounter, Condition,
 * Questionnaire, QuestionnaireResponse, UK Core ServiceRequest), and the heap after GC before and
 * after the measured validations (do the caches grow?). Not a test; run it as the module README
 * says.
 *
 * <p>Arguments: [warm-up iterations, default 300] [measured iterations, default 10000].
 */
public final class UkCoreValidationCostBenchmark {

  private UkCoreValidationCostBenchmark() {}

  public static void main(String[] args) throws IOException {
    int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    FhirSettings.setProhibitNetworkAccess(true);
    String payload =
        Files.readString(
                UkCorePackage.inRepository(
                    "src-test/src/test/resources/uk-core/referral-transaction.json"))
            .replace("${nhsNumber}", "9449305552")
            .replace("${referralId}", "MHST-2026-0042");

    long startupStart = System.nanoTime();
    FhirContext fhir = FhirContext.forR4();
    NpmPackageFolder ukCore = NpmPackageFolder.load(fhir, UkCorePackage.folder());
    ValidationSupportChain chain =
        ValidationChain.build(
            fhir,
            ConformancePackage.load(fhir),
            List.of(TerminologyStub.load(fhir), ukCore.validationSupport()));
    ProfileValidator validator = ProfileValidator.create(fhir, chain);
    long startupMillis = (System.nanoTime() - startupStart) / 1_000_000;

    long firstStart = System.nanoTime();
    check(validator.validate(payload));
    long firstMillis = (System.nanoTime() - firstStart) / 1_000_000;
    for (int i = 0; i < warmUp; i++) {
      check(validator.validate(payload));
    }
    long heapBefore = heapAfterGc();
    long[] nanos = new long[measured];
    for (int i = 0; i < measured; i++) {
      long start = System.nanoTime();
      ValidationResult result = validator.validate(payload);
      nanos[i] = System.nanoTime() - start;
      check(result);
    }
    long heapAfter = heapAfterGc();
    Arrays.sort(nanos);
    System.out.printf(
        "packages %s; chain + validator built in %d ms; first validation %d ms%n",
        ukCore.packageIds(), startupMillis, firstMillis);
    System.out.printf(
        "UK Core referral transaction (9 resources) after %d warm-up runs, %d measured: median"
            + " %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        warmUp,
        measured,
        millis(nanos, 0.50),
        millis(nanos, 0.90),
        millis(nanos, 0.99),
        nanos[nanos.length - 1] / 1e6);
    System.out.printf(
        "heap after GC: %d MB before, %d MB after the measured validations%n",
        heapBefore / (1024 * 1024), heapAfter / (1024 * 1024));
  }

  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static void check(ValidationResult result) {
    if (!Validators.errors(result).isEmpty()) {
      throw new IllegalStateException(
          "Benchmark payload should have no error:" + Validators.describe(result.getMessages()));
    }
  }
}
