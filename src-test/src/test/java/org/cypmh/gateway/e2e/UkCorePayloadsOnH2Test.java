package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cypmh.gateway.e2e.ValidationOutcomes.postAs;
import static org.cypmh.gateway.e2e.ValidationOutcomes.warningKinds;
import static org.cypmh.gateway.e2e.ValidationOutcomes.warningKindsPerEntry;

import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Payloads shaped like NHS systems send them, on the default gateway (no UK Core package):
 * accepted, with a warning for everything UK Core the gateway cannot know; what the gateway owns
 * (NHS number check digit, what routing needs, our required ValueSets) still refused, each with the
 * exact issue.
 */
@EmbeddedGateway
class UkCorePayloadsOnH2Test {

  static final String PARTNER = "8HV48";

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void ukCoreReferralIsAcceptedWithAWarningForEachThingTheGatewayCannotKnow() {
    // POST /fhir: a school MHST's UK Core referral transaction
    HttpResponse<String> raw =
        postAs(gateway, PARTNER, "/fhir", UkCorePayloads.referralTransaction(NhsNumbers.next()));

    assertThat(raw.statusCode()).as(raw.body()).isEqualTo(200);
    assertThat(raw.headers().firstValue("X-Validation-Warnings")).hasValue("17");
    Bundle response = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, raw.body());
    // 201, or 200 where a conditional create found the organisation or questionnaire stored
    assertThat(response.getEntry())
        .allSatisfy(e -> assertThat(e.getResponse().getStatus()).matches("20[01] .*"));
    assertThat(warningKindsPerEntry(response))
        .containsExactly(
            // Patient: 3 UK Core extensions, their 2 UK Core code systems, the UK Core profile
            List.of(
                "unknown-code-system",
                "unknown-code-system",
                "unknown-extension",
                "unknown-extension",
                "unknown-extension",
                "unknown-profile"),
            List.of("unknown-profile"), // RelatedPerson
            List.of("unknown-profile"), // Organization
            List.of("unknown-profile"), // Practitioner
            List.of("unknown-profile"), // Encounter
            List.of("code-not-held"), // Condition: 13746004 |Bipolar disorder|
            List.of("unknown-profile"), // Questionnaire
            // QuestionnaireResponse: its Questionnaire is in the same transaction, not yet stored
            List.of("other", "unknown-profile"),
            // ServiceRequest: source-of-referral extension and its SNOMED CT code, the profile
            List.of("code-not-held", "unknown-extension", "unknown-profile"));
    // The tracking Task is still named on the referral's entry, beside the warnings.
    assertThat(
            ((OperationOutcome) response.getEntry().get(8).getResponse().getOutcome()).getIssue())
        .anySatisfy(i -> assertThat(i.getDiagnostics()).contains("is tracked by Task/"));
  }

  @Test
  void warningsAreCountedPerPartnerAndKind() {
    double profilesBefore = ValidationOutcomes.counter(gateway, "Y12345", "unknown-profile");
    double codesBefore = ValidationOutcomes.counter(gateway, "Y12345", "code-not-held");

    postAs(gateway, "Y12345", "/fhir", UkCorePayloads.referralTransaction(NhsNumbers.next()));

    assertThat(ValidationOutcomes.counter(gateway, "Y12345", "unknown-profile"))
        .isEqualTo(profilesBefore + 8);
    assertThat(ValidationOutcomes.counter(gateway, "Y12345", "code-not-held"))
        .isEqualTo(codesBefore + 2);
  }

  @Test
  void restCreateReturnsItsWarningsInTheOperationOutcomeWhenAsked() {
    String patient = UkCorePayloads.patient(NhsNumbers.next());

    // POST /fhir/Patient with Prefer: return=OperationOutcome
    HttpResponse<String> asked =
        postAs(gateway, PARTNER, "/fhir/Patient", patient, "Prefer", "return=OperationOutcome");
    HttpResponse<String> notAsked =
        postAs(gateway, PARTNER, "/fhir/Patient", UkCorePayloads.patient(NhsNumbers.next()));

    assertThat(asked.statusCode()).as(asked.body()).isEqualTo(201);
    // On a resource posted alone HAPI reports an unknown claimed profile twice: at
    // meta.profile, and once more for the resource ("Invalid profile. Failed to retrieve ...").
    assertThat(asked.headers().firstValue("X-Validation-Warnings")).as(asked.body()).hasValue("7");
    assertThat(warningKinds(GatewayClient.outcome(asked)).stream().sorted())
        .containsExactly(
            "unknown-code-system",
            "unknown-code-system",
            "unknown-extension",
            "unknown-extension",
            "unknown-extension",
            "unknown-profile",
            "unknown-profile");
    assertThat(GatewayClient.outcome(asked).getIssue())
        .filteredOn(i -> "unknown-profile".equals(ValidationOutcomes.kind(i)))
        .filteredOn(OperationOutcome.OperationOutcomeIssueComponent::hasExpression)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getCode().toCode()).isEqualTo("processing");
              assertThat(i.getExpression().get(0).getValue()).isEqualTo("Patient.meta.profile[0]");
            });
    // Without the preference the body is the Patient; the count is in the header, never the text.
    assertThat(notAsked.statusCode()).isEqualTo(201);
    assertThat(notAsked.headers().firstValue("X-Validation-Warnings")).hasValue("7");
    assertThat(notAsked.headers().map().values().toString()).doesNotContain("UKCore");
  }

  @Test
  void ukCoreExtensionsAreKeptWhenStored() {
    HttpResponse<String> created =
        postAs(gateway, PARTNER, "/fhir/Patient", UkCorePayloads.patient(NhsNumbers.next()));
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
  void metadataNamesNoPackage() {
    CapabilityStatement metadata =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(CapabilityStatement.class, gateway.get("/fhir/metadata").body());

    assertThat(metadata.getExtensionsByUrl(UkCorePayloads.LOADED_PACKAGE)).isEmpty();
  }

  @Test
  void wrongNhsNumberCheckDigitIsStillRefused() {
    Bundle bundle = UkCorePayloads.referralBundle(NhsNumbers.next());
    Patient patient = (Patient) bundle.getEntry().get(0).getResource();
    patient.getIdentifierFirstRep().setValue("9449305553"); // 9449305552 is the valid one
    bundle.getEntry().get(0).getRequest().setIfNoneExist(null);

    assertRefusedAt(
        postAs(gateway, PARTNER, "/fhir", encode(bundle)),
        "Bundle.entry[0].resource.identifier[0].value",
        "check digit");
  }

  @Test
  void referralWithoutSubjectIsStillRefused() {
    Bundle bundle = UkCorePayloads.referralBundle(NhsNumbers.next());
    ((ServiceRequest) bundle.getEntry().get(8).getResource()).setSubject(null);

    assertRefusedAt(
        postAs(gateway, PARTNER, "/fhir", encode(bundle)),
        "Bundle.entry[8].resource.subject",
        "minimum required = 1");
  }

  @Test
  void reasonCodeOutsideOurRequiredValueSetIsStillRefused() {
    // 13746004 |Bipolar disorder| is real SNOMED CT but not a CYPMH referral reason: the
    // unheld code is accepted on the Condition (a warning), never on the referral's reasonCode.
    Bundle bundle = UkCorePayloads.referralBundle(NhsNumbers.next());
    ((ServiceRequest) bundle.getEntry().get(8).getResource())
        .getReasonCodeFirstRep()
        .getCodingFirstRep()
        .setCode("13746004")
        .setDisplay("Bipolar disorder");

    assertRefusedAt(
        postAs(gateway, PARTNER, "/fhir", encode(bundle)),
        "Bundle.entry[8].resource.reasonCode[0].coding[0]",
        "cypmh-referral-reason");
  }

  static String encode(Bundle bundle) {
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(bundle);
  }

  /** 422, and an ERROR issue (code processing) at exactly that FHIRPath saying that. */
  static void assertRefusedAt(HttpResponse<String> response, String expression, String says) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(GatewayClient.outcome(response).getIssue())
        .as(response.body())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .anySatisfy(
            i -> {
              assertThat(i.getCode()).isEqualTo(OperationOutcome.IssueType.PROCESSING);
              assertThat(i.getExpression())
                  .extracting(e -> e.getValue())
                  .containsExactly(expression);
              assertThat(i.getDiagnostics()).contains(says);
            });
  }
}
