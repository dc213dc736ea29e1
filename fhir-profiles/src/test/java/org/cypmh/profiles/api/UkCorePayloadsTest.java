package org.cypmh.profiles.api;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.junit.jupiter.api.Test;

/** Realistic UK Core payloads validated with and without the UK Core package. */
class UkCorePayloadsTest {

  private static final NpmPackageFolder UK_CORE =
      NpmPackageFolder.load(Validators.FHIR, UkCorePackage.folder());
  private static final ValidationSupportChain CHAIN_WITH_UK_CORE =
      ValidationChain.build(
          Validators.FHIR,
          Validators.PACKAGE,
          List.of(TerminologyStub.load(Validators.FHIR), UK_CORE.validationSupport()));
  private static final ProfileValidator WITH_UK_CORE =
      ProfileValidator.create(Validators.FHIR, CHAIN_WITH_UK_CORE);

  static String transaction() throws IOException {
    return Files.readString(
            UkCorePackage.inRepository(
                "src-test/src/test/resources/uk-core/referral-transaction.json"))
        .replace("${nhsNumber}", "9449305552")
        .replace("${referralId}", "MHST-2026-0042");
  }

  @Test
  void experiment() throws IOException {
    System.out.println("PACKAGES " + UK_CORE.packageIds());
    System.out.println(
        "WITHOUT"
            + Validators.describe(Validators.VALIDATOR.validate(transaction()).getMessages()));
    System.out.println(
        "WITH" + Validators.describe(WITH_UK_CORE.validate(transaction()).getMessages()));
  }
}
