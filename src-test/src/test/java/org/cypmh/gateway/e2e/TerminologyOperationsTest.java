package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Terminology operations an integration engineer or a partner system calls on the gateway. */
@EmbeddedGateway
class TerminologyOperationsTest {

  private static final String SNOMED = "http://snomed.info/sct";
  private static final String BASE = "https://cypmh-gateway.org/fhir";
  private static final String REASONS = BASE + "/ValueSet/cypmh-referral-reason";
  private static final String FIRST_STEPS = BASE + "/CodeSystem/vcse-first-steps-interventions";
  private static final String FIRST_STEPS_TO_SNOMED =
      BASE + "/ConceptMap/vcse-first-steps-interventions-to-snomed";

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void lookupGivesTheDisplayOfASeedSnomedConcept() {
    Parameters result =
        parameters(gateway.get("/fhir/CodeSystem/$lookup?system=" + SNOMED + "&code=72366004"));

    assertThat(result.getParameterValue("display").primitiveValue()).isEqualTo("Eating disorder");
  }

  @Test
  void lookupOfAnUnknownCodeSaysTheCodeIsUnknown() {
    HttpResponse<String> response =
        gateway.get("/fhir/CodeSystem/$lookup?system=" + SNOMED + "&code=123456");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        // HAPI 8.8 leaves the code out of this message ("code[null]") for GET requests.
        .contains("Unable to find code");
  }

  @Test
  void validateCodeAcceptsAReasonForReferralAndRejectsAnIntervention() {
    Parameters member =
        parameters(
            gateway.get(
                "/fhir/ValueSet/$validate-code?url="
                    + REASONS
                    + "&system="
                    + SNOMED
                    + "&code=72366004"));
    Parameters notMember =
        parameters(
            gateway.get(
                "/fhir/ValueSet/$validate-code?url="
                    + REASONS
                    + "&system="
                    + SNOMED
                    + "&code=228557008"));

    assertThat(member.getParameterBool("result")).isTrue();
    assertThat(member.getParameterValue("display").primitiveValue()).isEqualTo("Eating disorder");
    assertThat(notMember.getParameterBool("result")).isFalse();
    assertThat(notMember.getParameterValue("message").primitiveValue()).contains("228557008");
  }

  @Test
  void expandFindsWordPrefixesInAnyOrderAndRanksTheCloserMatchFirst() {
    ValueSet inOrder = expand("eat%20dis");
    ValueSet reversed = expand("disorder%20eat");

    assertThat(inOrder.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactly("72366004", "439960005");
    assertThat(reversed.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .containsExactly("72366004", "439960005");
    assertThat(inOrder.getExpansion().getTotal()).isEqualTo(2);
  }

  @Test
  void expandKeepsToTheValueSetsMembers() {
    // "Counseling for eating disorder" is a SNOMED seed concept, but a brief intervention, not a
    // reason.
    ValueSet result = expand("eating");

    assertThat(result.getExpansion().getContains())
        .extracting(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .doesNotContain("313076000");
  }

  @Test
  void expandWithAFilterNothingMatchesIsEmpty() {
    assertThat(expand("xyzzy").getExpansion().getTotal()).isZero();
  }

  @Test
  void translateReturnsEveryTargetOfAOneToManyMapping() {
    Parameters result = translate("FS-FAMILY");

    assertThat(result.getParameterBool("result")).isTrue();
    assertThat(result.getParameters("match"))
        .extracting(
            m ->
                ((Coding)
                        m.getPart().stream()
                            .filter(p -> p.getName().equals("concept"))
                            .findFirst()
                            .orElseThrow()
                            .getValue())
                    .getCode())
        .containsExactlyInAnyOrder("51484002", "108313002");
  }

  @Test
  void translateSaysClearlyWhenACodeIsMappedToNothing() {
    Parameters unmatched = translate("FS-DROPIN");
    Parameters absent = translate("FS-NOT-A-CODE");

    assertThat(unmatched.getParameterBool("result")).isFalse();
    assertThat(unmatched.getParameters("match"))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.getPart())
                    .anySatisfy(
                        p -> assertThat(p.getValue().primitiveValue()).isEqualTo("unmatched")));
    assertThat(absent.getParameterBool("result")).isFalse();
    assertThat(absent.getParameters("match")).isEmpty();
  }

  private ValueSet expand(String filter) {
    HttpResponse<String> response =
        gateway.get("/fhir/ValueSet/$expand?url=" + REASONS + "&filter=" + filter);
    assertThat(response.statusCode()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
  }

  private Parameters translate(String code) {
    return parameters(
        gateway.get(
            "/fhir/ConceptMap/$translate?url="
                + FIRST_STEPS_TO_SNOMED
                + "&system="
                + FIRST_STEPS
                + "&code="
                + code));
  }

  private static Parameters parameters(HttpResponse<String> response) {
    assertThat(response.statusCode()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }
}
