package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * Consent enforced end to end on the running gateway: on every deny the partner (WireMock, mTLS)
 * receives nothing at all; held referrals go when a permit arrives; a withdrawal stops retries;
 * restricted data is left out for services not cleared; break-glass is honoured only for crisis
 * services and listed for review; a GP reading a denied care plan gets no data, by any route.
 */
@EmbeddedGateway
class ConsentEnforcementTest extends RoutingBehaviourSupport {

  private static final Duration QUIET = Duration.ofSeconds(2);

  @Test
  void vcseReferralWithoutAPermitIsHeldThenDeliveredWhenThePermitArrives() {
    RoutingReferrals referral =
        RoutingReferrals.referral().aged(17).pathway("eating-disorders").reason("72366004");
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(accepted).get("status")));
    assertThat(delivery(accepted).get("consentRule")).isEqualTo("explicit-permit-missing");
    assertThat(taskOf(accepted).getBusinessStatus().getText()).isEqualTo("awaiting consent");
    assertThat(partnerRequestsFor(referral)).isEmpty();

    Consent permit =
        ConsentFixtures.consent(ConsentProvisionType.PERMIT, ConsentFixtures.actorOds("8ZZ02"));
    String patient = patientOf(accepted);
    permit.setPatient(new Reference(patient));
    permit.addPerformer(new Reference(patient));
    assertThat(gateway.post("/fhir/Consent", permit).statusCode()).isEqualTo(201);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    assertThat(partnerRequestsFor(referral))
        .extracting(r -> r.getUrl())
        .containsExactly("/vcse-first-steps-ed/fhir");
    assertThat(delivery(accepted).get("consentRule")).isEqualTo("consent-permit");
    assertThat(decisions(patient))
        .extracting(d -> d.get("context") + " " + d.get("rule"))
        .containsExactly("reconsidered consent-permit", "routing explicit-permit-missing");
  }

  @Test
  void aDenyForTheReceivingOrganisationSendsZeroBytesAndOnlyStopsThatOrganisation() {
    RoutingReferrals denied =
        RoutingReferrals.referral()
            .aged(17)
            .fromGp("B86001")
            .reason("35489007")
            .withConsent(ConsentProvisionType.DENY, "RZZ");
    RoutingReferrals otherOrganisationDenied =
        RoutingReferrals.referral()
            .aged(17)
            .fromGp("B86001")
            .reason("35489007")
            .withConsent(ConsentProvisionType.DENY, "RZY");

    Accepted deniedAccepted = accept(denied);
    Accepted allowedAccepted = accept(otherOrganisationDenied);

    await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(deniedAccepted).get("status")));
    await()
        .atMost(DELIVERY)
        .until(() -> taskOf(allowedAccepted).getStatus() == Task.TaskStatus.RECEIVED);
    await()
        .during(QUIET)
        .atMost(QUIET.plusSeconds(1))
        .until(() -> partnerRequestsFor(denied).isEmpty());
    assertThat(delivery(deniedAccepted).get("consentRule")).isEqualTo("consent-deny");
    assertThat(taskOf(deniedAccepted).getBusinessStatus().getText())
        .startsWith("not shared with HealthcareService/camhs-spa: not shared: Consent/");
    assertThat(partnerRequestsFor(otherOrganisationDenied)).hasSize(1);
  }

  @Test
  void withdrawingConsentDuringRetriesStopsThemAndListsWhoAlreadyReceivedData() {
    RoutingReferrals referral =
        RoutingReferrals.referral()
            .aged(17)
            .pathway("eating-disorders")
            .reason("72366004")
            .withConsent(ConsentProvisionType.PERMIT, "8ZZ02");
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(
            post(urlEqualTo("/vcse-first-steps-ed/fhir"))
                .withRequestBody(containing(referral.identifier()))
                .atPriority(1)
                .willReturn(aResponse().withStatus(503).withFixedDelay(1500)));
    try {
      Accepted accepted = accept(referral);
      await().atMost(DELIVERY).until(() -> !partnerRequestsFor(referral).isEmpty());

      String patient = patientOf(accepted);
      Consent withdrawal =
          ConsentFixtures.consent(ConsentProvisionType.DENY, ConsentFixtures.actorOds("8ZZ02"));
      withdrawal.setPatient(new Reference(patient));
      withdrawal.addPerformer(new Reference(patient));
      assertThat(gateway.post("/fhir/Consent", withdrawal).statusCode()).isEqualTo(201);

      await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(accepted).get("status")));
      // An attempt already on the wire when consent was withdrawn may still finish; none starts.
      await().pollDelay(Duration.ofMillis(1600)).atMost(Duration.ofSeconds(3)).until(() -> true);
      int seen = partnerRequestsFor(referral).size();
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(5))
          .until(() -> partnerRequestsFor(referral).size() == seen);
      assertThat(delivery(accepted).get("status")).isEqualTo("WITHHELD");
      assertThat(delivery(accepted).get("consentRule")).isEqualTo("consent-deny");
      assertThat(parameters("/fhir/" + patient + "/$shared-with").hasParameter()).isFalse();
    } finally {
      removeStubsFor(referral);
    }
  }

  @Test
  void restrictedSupportingInfoIsLeftOutForServicesNotClearedAndTheTaskSaysSo() {
    RoutingReferrals referral =
        RoutingReferrals.referral()
            .fromGp("B86001")
            .reason("35489007")
            .withSupportingInfo("R")
            .withSupportingInfo();
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    Bundle payload = payloadOf(referral);
    assertThat(payload.getEntry())
        .extracting(e -> e.getResource().fhirType())
        .containsExactly("Patient", "ServiceRequest", "QuestionnaireResponse");
    QuestionnaireResponse sent = (QuestionnaireResponse) payload.getEntry().get(2).getResource();
    assertThat(sent.getMeta().getSecurity()).isEmpty();
    assertThat(only(payload, ServiceRequest.class).getSupportingInfo())
        .extracting(Reference::getReference)
        .containsExactly(payload.getEntry().get(2).getFullUrl());
    assertThat(taskOf(accepted).getNoteFirstRep().getText())
        .isEqualTo(
            "1 restricted resource(s) withheld from HealthcareService/camhs-spa: the service is not"
                + " cleared for restricted information");
    assertThat(delivery(accepted).get("redacted")).isEqualTo("1");
  }

  @Test
  void theCrisisTeamIsClearedForRestrictedSupportingInfo() {
    RoutingReferrals referral =
        RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT).withSupportingInfo("R");
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    QuestionnaireResponse sent = only(payloadOf(referral), QuestionnaireResponse.class);
    assertThat(sent.getMeta().getSecurity()).extracting(c -> c.getCode()).containsExactly("R");
  }

  @Test
  void breakGlassReachesTheCrisisTeamDespiteADenyAndIsListedForReview() {
    RoutingReferrals referral =
        RoutingReferrals.referral()
            .aged(17)
            .priority(ServiceRequestPriority.URGENT)
            .withConsent(ConsentProvisionType.DENY, "RZZ")
            .breakingGlass("safeguarding");
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    assertThat(partnerRequestsFor(referral))
        .extracting(r -> r.getUrl())
        .containsExactly("/camhs-crisis/fhir");
    assertThat(delivery(accepted).get("consentRule")).isEqualTo("break-glass");
    assertThat(reviewOf(accepted))
        .containsEntry("breakGlassAsked", "safeguarding")
        .containsEntry("breakGlassUsed", "true")
        .containsEntry("rule", "break-glass");
  }

  @Test
  void breakGlassIsRefusedForAVcseServiceAndStillListedForReview() {
    RoutingReferrals referral =
        RoutingReferrals.referral()
            .aged(17)
            .pathway("eating-disorders")
            .reason("72366004")
            .breakingGlass("safeguarding");
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> "WITHHELD".equals(delivery(accepted).get("status")));
    await()
        .during(QUIET)
        .atMost(QUIET.plusSeconds(1))
        .until(() -> partnerRequestsFor(referral).isEmpty());
    assertThat(reviewOf(accepted))
        .containsEntry("breakGlassUsed", "false")
        .containsEntry("rule", "explicit-permit-missing");
    assertThat(reviewOf(accepted).get("reason"))
        .contains(
            "break-glass refused: First Steps ED early support is not a crisis or safeguarding service");
  }

  @Test
  void aGpReadsTheCarePlanOfAYoungPersonWhoDidNotObject() {
    StoredPlan plan = storePlan(false);

    Bundle found =
        gpSearch(
            "/fhir/CarePlan?subject:identifier=https://fhir.nhs.uk/Id/nhs-number|"
                + plan.nhsNumber());

    assertThat(found.getEntry())
        .extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .containsExactly(plan.carePlan());
    assertThat(gpGet("/fhir/" + plan.carePlan()).statusCode()).isEqualTo(200);
  }

  @Test
  void aGpReadOfADeniedCarePlanReturnsNoDataByAnyRoute() {
    StoredPlan plan = storePlan(true);
    String byNhsNumber = "subject:identifier=https://fhir.nhs.uk/Id/nhs-number|" + plan.nhsNumber();

    assertThat(gpSearch("/fhir/CarePlan?" + byNhsNumber).getEntry()).isEmpty();
    HttpResponse<String> read = gpGet("/fhir/" + plan.carePlan());
    assertThat(read.statusCode()).isIn(403, 404);
    assertThat(read.body()).doesNotContain("Transition from CAMHS");
    assertThat(
            gpSearch(
                    "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|"
                        + plan.nhsNumber()
                        + "&_revinclude=CarePlan:subject")
                .getEntry())
        .isEmpty();
    assertThat(gpSearch("/fhir/CarePlan?" + byNhsNumber + "&_include=CarePlan:subject").getEntry())
        .isEmpty();
    HttpResponse<String> everything = gpGet("/fhir/" + plan.patient() + "/$everything");
    assertThat(everything.body())
        .doesNotContain("Transition from CAMHS")
        .doesNotContain(plan.nhsNumber());
    // Later result pages too (hapi-fhir #2369): page through one at a time.
    Bundle page = gpSearch("/fhir/CarePlan?" + byNhsNumber + "&_count=1");
    for (int pages = 0; page.getLink("next") != null && pages < 5; pages++) {
      assertThat(page.getEntry()).isEmpty();
      String next = page.getLink("next").getUrl();
      page = gpSearch(next.substring(next.indexOf("/fhir")));
    }
    assertThat(page.getEntry()).isEmpty();
    assertThat(decisions(plan.patient()))
        .extracting(d -> d.get("context") + " " + d.get("rule"))
        .contains("read consent-deny");
  }

  @Test
  void aTransactionReadingDataAsAPartnerIsRefusedAndWritesNothing() {
    StoredPlan plan = storePlan(true);
    Patient newcomer = TestReferrals.youngPerson(NhsNumbers.next());
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .setResource(newcomer)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Patient");
    transaction.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(plan.carePlan());

    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/fhir")
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("NHSD-End-User-Organisation-ODS", GP_ODS)
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        GatewayClient.FHIR.newJsonParser().encodeResourceToString(transaction))));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        .contains("Nothing was written");
    Bundle stored =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                gateway
                    .get(
                        "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C"
                            + newcomer.getIdentifierFirstRep().getValue())
                    .body());
    assertThat(stored.getEntry()).isEmpty();
  }
}
