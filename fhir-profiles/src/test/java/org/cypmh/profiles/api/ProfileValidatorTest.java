package org.cypmh.profiles.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

class ProfileValidatorTest {

  @Test
  void referralThatDoesNotClaimTheProfileIsStillHeldToIt() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getIdentifier().clear();

    assertThat(errorLocations(Validators.VALIDATOR.validate(referral)))
        .containsExactly("ServiceRequest.identifier");
  }

  @Test
  void referralClaimingTheProfileReportsEachIssueOnce() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getMeta().addProfile(ConformancePackage.REFERRAL);
    referral.getIdentifier().clear();

    assertThat(errorLocations(Validators.VALIDATOR.validate(referral)))
        .containsExactly("ServiceRequest.identifier");
  }

  @Test
  void conformantTransactionBundlePasses() {
    ValidationResult result =
        Validators.VALIDATOR.validate(TestReferrals.eatingDisorderTransaction());

    assertThat(Validators.errors(result)).as(Validators.describe(result.getMessages())).isEmpty();
  }

  @Test
  void bundleEntriesAreHeldToTheProfileForTheirType() {
    Bundle bundle = TestReferrals.eatingDisorderTransaction();
    ((Patient) bundle.getEntry().get(0).getResource()).setBirthDate(null);
    ((ServiceRequest) bundle.getEntry().get(1).getResource()).setRequester(null);

    List<String> locations = errorLocations(Validators.VALIDATOR.validate(bundle));

    assertThat(locations).hasSize(2);
    assertThat(locations.get(0)).startsWith("Bundle.entry[0].resource").endsWith(".birthDate");
    assertThat(locations.get(1)).startsWith("Bundle.entry[1].resource").endsWith(".requester");
  }

  @Test
  void validatorWithoutTypeMappingOnlyChecksClaimedProfiles() {
    ProfileValidator claimedOnly =
        ProfileValidator.create(Validators.FHIR, Validators.CHAIN, Map.of());
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getIdentifier().clear();

    assertThat(Validators.errors(claimedOnly.validate(referral))).isEmpty();
  }

  @Test
  void resourceClaimingAnUnknownProfileIsRejected() {
    Patient patient = TestReferrals.youngPerson();
    patient.getMeta().addProfile("https://fhir.example.org/StructureDefinition/not-loaded");

    assertThat(Validators.errors(Validators.VALIDATOR.validate(patient))).isNotEmpty();
  }

  @Test
  void issuesReachTheOperationOutcomeAsFhirPathExpressions() {
    ServiceRequest referral = TestReferrals.eatingDisorder();
    referral.getIdentifier().clear();

    OperationOutcome outcome =
        (OperationOutcome) Validators.VALIDATOR.validate(referral).toOperationOutcome();

    assertThat(outcome.getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .singleElement()
        .extracting(OperationOutcomeIssueComponent::getExpression)
        .satisfies(
            e ->
                assertThat(e)
                    .extracting(Object::toString)
                    .containsExactly("ServiceRequest.identifier"));
  }

  @Test
  void jsonTextIsValidatedAsReceived() {
    String json =
        Validators.FHIR
            .newJsonParser()
            .setPrettyPrint(true)
            .encodeResourceToString(TestReferrals.youngPerson().setBirthDate(null));

    List<SingleValidationMessage> errors = Validators.errors(Validators.VALIDATOR.validate(json));

    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLocationString()).isEqualTo("Patient.birthDate");
              assertThat(e.getLocationLine()).isNotNull();
            });
  }

  @Test
  void oneValidatorServesConcurrentRequests() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        boolean broken = i % 2 == 0;
        results.add(
            pool.submit(
                () -> {
                  ServiceRequest referral = TestReferrals.eatingDisorder();
                  if (broken) {
                    referral.getIdentifier().clear();
                  }
                  return errorLocations(Validators.VALIDATOR.validate(referral));
                }));
      }
      for (int i = 0; i < results.size(); i++) {
        List<String> expected = i % 2 == 0 ? List.of("ServiceRequest.identifier") : List.of();
        assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> errorLocations(ValidationResult result) {
    return Validators.errors(result).stream()
        .map(SingleValidationMessage::getLocationString)
        .toList();
  }
}
