package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;
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
  void ukCorePackageLoadsOfflineWithEveryDependencyItDeclares() {
    assertThat(UK_CORE.packageIds()).containsExactly("fhir.r4.ukcore.stu2#2.0.0");
    assertThat(UK_CORE.missingDependencies()).isEmpty();
  }

  @Test
  void everyUkCoreProfileGetsASnapshotOffline() {
    ValidationSupportContext context = new ValidationSupportContext(CHAIN_WITH_UK_CORE);
    List<String> withoutSnapshot =
        UK_CORE.validationSupport().fetchAllStructureDefinitions().stream()
            .map(StructureDefinition.class::cast)
            .filter(sd -> sd.getDerivation() == StructureDefinition.TypeDerivationRule.CONSTRAINT)
            .filter(
                sd -> {
                  // As the validator does for a profile it meets: generated, offline, on demand.
                  IBaseResource generated =
                      CHAIN_WITH_UK_CORE.generateSnapshot(
                          context, sd.copy(), sd.getUrl(), null, sd.getName());
                  return !(generated instanceof StructureDefinition withSnapshot)
                      || withSnapshot.getSnapshot().getElement().isEmpty();
                })
            .map(StructureDefinition::getUrl)
            .toList();

    assertThat(withoutSnapshot).isEmpty();
  }

  @Test
  void ukCoreReferralTransactionHasNoErrorWithThePackage() throws IOException {
    List<SingleValidationMessage> messages = WITH_UK_CORE.validate(transaction()).getMessages();

    assertThat(Validators.errors(WITH_UK_CORE.validate(transaction())))
        .as(Validators.describe(messages))
        .isEmpty();
    // UK Core's extensions are known: none is reported as unknown.
    assertThat(messages).noneMatch(m -> "Extension_EXT_Unknown".equals(m.getMessageId()));
  }

  @Test
  void withoutThePackageTheOnlyErrorsAreTheUnknownUkCoreProfiles() throws IOException {
    List<SingleValidationMessage> errors =
        Validators.errors(Validators.VALIDATOR.validate(transaction()));

    // The gateway's policy turns these into warnings (gateway ValidationPolicy); the validator
    // itself still reports a claimed profile it cannot find as an error.
    assertThat(errors)
        .as(Validators.describe(errors))
        .hasSize(8)
        .allSatisfy(e -> assertThat(e.getMessageId()).isEqualTo("Validation_VAL_Profile_Unknown"));
  }

  @Test
  void ourProfilesLeaveExtensionsOpen() {
    assertThat(Validators.PACKAGE.structureDefinitions())
        .flatExtracting(sd -> sd.getDifferential().getElement())
        .filteredOn(e -> e.getPath().endsWith(".extension") && e.hasSlicing())
        .allSatisfy(
            e ->
                assertThat(e.getSlicing().getRules())
                    .isNotEqualTo(ElementDefinition.SlicingRules.CLOSED));
  }
}
