package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.gateway.e2e.ValidationOutcomes.postAs;
import static org.cypmh.gateway.e2e.ValidationOutcomes.warningKindsPerEntry;

import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The same NHS-shaped payloads on a gateway with the UK Core package installed: validated against
 * UK Core's profiles and extensions (no unknown-profile or unknown-extension warning left), stored
 * with their extensions; and the operator's refusals (a kind for everyone, everything for one
 * partner).
 */
@EmbeddedGatewayWithUkCore
class UkCorePayloadsWithPackageTest {

  static final String PARTNER = "8HV48";

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void ukCoreReferralIsValidatedAgainstUkCoreAndAccepted() {
    HttpResponse<String> raw =
        postAs(gateway, PARTNER, "/fhir", UkCorePayloads.referralTransaction(NhsNumbers.next()));

    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    Bundle response = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, raw.body());
    System.out.println(
        "WITH-PACKAGE "
            + warningKindsPerEntry(response)
            + " "
            + raw.headers().firstValue("X-Validation-Warnings"));
    System.out.println("WITH-PACKAGE-BODY " + raw.body());
    assertThat(response.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).matches("20[01] .*"));
    // UK Core's profiles, extensions and code systems are known now. What is left: SNOMED CT
    // codes outside the subset the gateway holds, and UK Core ValueSets that filter SNOMED CT
    // (is-a), which it cannot expand from a subset; and the Questionnaire stored by the same
    // transaction, which the validator cannot see yet.
    assertThat(raw.headers().firstValue("X-Validation-Warnings")).hasValue("6");
    assertThat(warningKindsPerEntry(response))
        .containsExactly(
            List.of(), // Patient
            List.of(), // RelatedPerson
            List.of(), // Organization
            List.of(), // Practitioner
            List.of(), // Encounter
            List.of("code-not-held"), // Condition: 13746004 |Bipolar disorder|
            List.of(), // Questionnaire
            List.of("other"), // QuestionnaireResponse
            // ServiceRequest: the source-of-referral code; UKCore-SourceOfServiceRequest,
            // -ProcedureCode and -ServiceRequestReasonCode filter SNOMED CT
            List.of(
                "code-not-held",
                "valueset-not-expandable",
                "valueset-not-expandable",
                "valueset-not-expandable"));
  }

  @Test
  void ukCoreExtensionsAreKeptWhenStored() {
    HttpResponse<String> created =
        postAs(gateway, PARTNER, "/fhir/Patient", UkCorePayloads.patient(NhsNumbers.next()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("X-Validation-Warnings")).isEmpty();
    String location = created.headers().firstValue("Location").orElseThrow();
    String id = location.substring(location.indexOf("/fhir/") + 6, location.indexOf("/_history"));

    Patient stored =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Patient.class, gateway.get("/fhir/" + id).body());

    assertThat(UkCorePayloads.extensionUrls(stored))
        .containsExactlyInAnyOrder(
            UkCorePayloads.ETHNIC_CATEGORY,
            UkCorePayloads.NHS_NUMBER_VERIFICATION_STATUS,
            UkCorePayloads.CONTACT_RANK);
  }

  @Test
  void metadataAndInfoNameTheLoadedPackage() {
    CapabilityStatement metadata =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(CapabilityStatement.class, gateway.get("/fhir/metadata").body());
    String info = gateway.send(gateway.request("/actuator/info").GET()).body();

    assertThat(metadata.getExtension()).as(info).isNotEmpty();
    assertThat(metadata.getExtensionsByUrl(UkCorePayloads.LOADED_PACKAGE))
        .extracting(e -> ((StringType) e.getValue()).getValue())
        .containsExactly("fhir.r4.ukcore.stu2#2.0.0");
    assertThat(info).contains("\"packages\":[\"fhir.r4.ukcore.stu2#2.0.0\"]");
  }

  @Test
  void aRefusedKindIsRefusedForEveryone() {
    // gateway.validation.refuse=unknown-profile: a profile neither ours nor UK Core's
    Patient patient =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Patient.class, UkCorePayloads.patient(NhsNumbers.next()));
    patient.getMeta().getProfile().clear();
    patient
        .getMeta()
        .addProfile("https://fhir.example-trust.nhs.uk/StructureDefinition/TrustPatient");

    HttpResponse<String> response =
        postAs(
            gateway,
            PARTNER,
            "/fhir/Patient",
            GatewayClient.FHIR.newJsonParser().encodeResourceToString(patient));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    // Reported twice for a resource posted alone: at meta.profile, and for the resource.
    assertThat(GatewayClient.outcome(response).getIssue())
        .as(response.body())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .hasSize(2)
        .allSatisfy(i -> assertThat(ValidationOutcomes.kind(i)).isEqualTo("unknown-profile"));
    assertThat(GatewayClient.outcome(response).getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .filteredOn(OperationOutcome.OperationOutcomeIssueComponent::hasExpression)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(ValidationOutcomes.kind(i)).isEqualTo("unknown-profile");
              assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.PROCESSING);
              assertThat(i.getExpression().get(0).getValue()).isEqualTo("Patient.meta.profile[0]");
            });
  }

  @Test
  void aStrictPartnerIsRefusedWhatOthersAreWarnedAbout() {
    // gateway.validation.strict-partners=RXY: a Condition coded with SNOMED CT we do not hold
    Condition condition =
        (Condition)
            UkCorePayloads.referralBundle(NhsNumbers.next()).getEntry().get(5).getResource();
    condition.setSubject(
        new org.hl7.fhir.r4.model.Reference("Patient/" + gateway.createYoungPerson()));
    condition.setEncounter(null);
    String body = GatewayClient.FHIR.newJsonParser().encodeResourceToString(condition);

    HttpResponse<String> strict =
        postAs(gateway, EmbeddedGatewayWithUkCore.STRICT_PARTNER, "/fhir/Condition", body);
    HttpResponse<String> other = postAs(gateway, PARTNER, "/fhir/Condition", body);

    assertThat(strict.statusCode()).as(strict.body()).isEqualTo(422);
    assertThat(GatewayClient.outcome(strict).getIssue())
        .as(strict.body())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(ValidationOutcomes.kind(i)).isEqualTo("code-not-held");
              assertThat(i.getExpression().get(0).getValue()).isEqualTo("Condition.code");
            });
    assertThat(other.statusCode()).as(other.body()).isEqualTo(201);
    assertThat(other.headers().firstValue("X-Validation-Warnings")).hasValue("1");
  }
}
