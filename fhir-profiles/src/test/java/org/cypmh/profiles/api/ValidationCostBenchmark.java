package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.Arrays;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.utilities.settings.FhirSettings;

/**
 * What validating one referral costs once the validator is warm: a transaction Bundle of Patient
 * and ServiceRequest, both held to their profiles by type, with the NHS number check. Not a test
 * (surefire does not pick it up); run it as described in the module README.
 *
 * <p>Arguments: [warm-up iterations, default 300] [measured iterations, default 2000].
 */
public final class ValidationCostBenchmark {

  private ValidationCostBenchmark() {}

  public static void main(String[] args) {
    int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int measured = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    FhirSettings.setProhibitNetworkAccess(true);

    long startupStart = System.nanoTime();
    FhirContext fhir = FhirContext.forR4();
    ConformancePackage conformancePackage = ConformancePackage.load(fhir);
    ValidationSupportChain chain =
        ValidationChain.build(fhir, conformancePackage, TerminologyStub.load(fhir));
    ProfileValidator validator = ProfileValidator.create(fhir, chain);
    long startupMillis = (System.nanoTime() - startupStart) / 1_000_000;

    long firstStart = System.nanoTime();
    check(validator.validate(TestReferrals.eatingDisorderTransaction()));
    long firstMillis = (System.nanoTime() - firstStart) / 1_000_000;

    for (int i = 0; i < warmUp; i++) {
      check(validator.validate(TestReferrals.eatingDisorderTransaction()));
    }
    long[] nanos = new long[measured];
    for (int i = 0; i < measured; i++) {
      // A fresh bundle each time, as each request parses its own.
      Bundle bundle = TestReferrals.eatingDisorderTransaction();
      long start = System.nanoTime();
      ValidationResult result = validator.validate(bundle);
      nanos[i] = System.nanoTime() - start;
      check(result);
    }
    Arrays.sort(nanos);
    System.out.printf(
        "chain + validator built in %d ms; first validation %d ms%n", startupMillis, firstMillis);
    System.out.printf(
        "referral bundle validation after %d warm-up runs, %d measured: median %.2f ms, p90 %.2f"
            + " ms, p99 %.2f ms, max %.2f ms%n",
        warmUp,
        measured,
        millis(nanos, 0.50),
        millis(nanos, 0.90),
        millis(nanos, 0.99),
        nanos[nanos.length - 1] / 1e6);
  }

  private static double millis(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private static void check(ValidationResult result) {
    if (!result.isSuccessful()) {
      throw new IllegalStateException(
          "Benchmark bundle should be valid:" + Validators.describe(result.getMessages()));
    }
  }
}
