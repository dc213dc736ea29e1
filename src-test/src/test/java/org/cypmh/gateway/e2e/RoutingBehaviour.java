package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Referrals routed by the demo routes and delivered to partner services (WireMock over mTLS): the
 * right partner, once, with the right payload; retries, dead letters and replay; the referrer's
 * Task following along. Subclasses choose the storage.
 */
abstract class RoutingBehaviour extends RoutingBehaviourSupport {

  @Autowired DaoRegistry daoRegistry;
  @Autowired PlatformTransactionManager transactions;
  @Autowired ServiceDirectory directory;

  static Stream<Arguments> demoPathways() {
    return Stream.of(
        Arguments.of(
            "urgent referral goes to the crisis team",
            RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT),
            "/camhs-crisis/fhir"),
        Arguments.of(
            "routine eating disorder without risk goes to the VCSE service",
            RoutingReferrals.referral()
                .pathway("eating-disorders")
                .reason("72366004")
                .withConsent(Consent.ConsentProvisionType.PERMIT, "8ZZ02"),
            "/vcse-first-steps-ed/fhir"),
        Arguments.of(
            "eating disorder with self-harm goes to the CAMHS eating disorders team, as BaRS",
            RoutingReferrals.referral()
                .pathway("eating-disorders")
                .reason("56882008")
                .reason("248062006"),
            "/camhs-eating-disorders/fhir/$process-message"),
        Arguments.of(
            "youth justice referral goes to the young people's team",
            RoutingReferrals.referral().pathway("youth-justice").fromYouthJusticeService(),
            "/camhs-young-peoples-team/fhir"),
        Arguments.of(
            "an 18 year old goes to the adult community mental health team",
            RoutingReferrals.referral().aged(18).askingFor("camhs-young-peoples-team"),
            "/adult-cmht/fhir"),
        Arguments.of(
            "anxiety referred by a school with an MHST goes to that team",
            RoutingReferrals.referral()
                .fromSchool("999001")
                .reason("197480006")
                .withConsent(Consent.ConsentProvisionType.PERMIT, "8ZZ03"),
            "/mhst-leeds-west/fhir"),
        Arguments.of(
            "GP referral goes to the single point of access",
            RoutingReferrals.referral().fromGp("B86001").reason("35489007"),
            "/camhs-spa/fhir"),
        Arguments.of(
            "self-referral goes to the single point of access",
            RoutingReferrals.referral().selfReferral().reason("48694002"),
            "/camhs-spa/fhir"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("demoPathways")
  void eachDemoPathwayDeliversToExactlyItsPartner(
      String pathway, RoutingReferrals referral, String partnerPath) {
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    List<LoggedRequest> received = partnerRequestsFor(referral);
    assertThat(received).extracting(LoggedRequest::getUrl).containsExactly(partnerPath);
    LoggedRequest delivery = received.get(0);
    assertThat(delivery.getHeader("Idempotency-Key")).isNotBlank();
    assertThat(delivery.getHeader("X-Correlation-Id"))
        .isEqualTo(delivery.getHeader("Idempotency-Key"));
    Bundle payload =
        GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, delivery.getBodyAsString());
    ServiceRequest sent = only(payload, ServiceRequest.class);
    assertThat(sent.getIdentifierFirstRep().getValue()).isEqualTo(referral.identifier());
    assertThat(sent.getSubject().getReference()).startsWith("urn:uuid:");
    assertThat(sent.hasSupportingInfo()).isFalse();
    if (partnerPath.endsWith("$process-message")) {
      assertThat(payload.getType()).isEqualTo(Bundle.BundleType.MESSAGE);
      MessageHeader header = (MessageHeader) payload.getEntryFirstRep().getResource();
      assertThat(header.getEventCoding().getCode()).isEqualTo("servicerequest-request");
    } else {
      assertThat(payload.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
      assertThat(payload.getEntry())
          .extracting(e -> e.getRequest().getMethod() + " " + e.getRequest().getUrl())
          .containsExactly(
              "POST Patient",
              "PUT ServiceRequest?identifier=https://referrer.example.org/referrals|"
                  + referral.identifier());
    }
    Task task = taskOf(accepted);
    assertThat(task.getBusinessStatus().getText()).startsWith("delivered to HealthcareService/");
    assertThat(
            ((org.hl7.fhir.r4.model.Reference) task.getOutputFirstRep().getValue()).getReference())
        .isEqualTo("HealthcareService/" + partnerPath.split("/")[1]);
    assertThat(delivery(accepted).get("status")).isEqualTo("DELIVERED");
    assertThat(delivery(accepted).get("attempts")).isEqualTo("1");
  }

  @Test
  void adultReferralCarriesTheTranslatedAdultServiceType() {
    RoutingReferrals referral =
        RoutingReferrals.referral().aged(19).askingFor("camhs-eating-disorders");
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    Bundle payload =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Bundle.class, partnerRequestsFor(referral).get(0).getBodyAsString());
    assertThat(only(payload, ServiceRequest.class).getPerformerType().getCoding())
        .extracting(c -> c.getCode())
        .containsExactly("camhs-eating-disorders", "adult-eating-disorders");
  }

  /**
   * Consent names recipients by ODS code and is asked at every routing decision, so the directory
   * carries each service's organisation code (read once per directory answer, not per decision).
   */
  @Test
  void directoryServiceCarriesItsOrganisationsOdsCode() {
    DirectoryService charity = directory.byId("vcse-first-steps-ed").orElseThrow();
    assertThat(charity.organizationOdsCode()).isEqualTo("8ZZ02");
    assertThat(directory.byIdentifier(ServiceDirectory.ODS_SYSTEM, "8ZZ02"))
        .get()
        .extracting(DirectoryService::organization)
        .isEqualTo(charity.organization());
  }

  @Test
  void partnerFailingOnceIsRetriedAndReceivesTheReferralOnceAccepted() {
    RoutingReferrals referral = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
    failThenRecover(referral, "/camhs-crisis/fhir", 500, 1);
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    List<LoggedRequest> received = partnerRequestsFor(referral);
    assertThat(received).hasSize(2);
    assertThat(received.get(1).getHeader("Idempotency-Key"))
        .isEqualTo(received.get(0).getHeader("Idempotency-Key"));
    assertThat(delivery(accepted))
        .containsEntry("status", "DELIVERED")
        .containsEntry("attempts", "2");
  }

  @Test
  void partnerDownBeyondTheRetryBudgetLeavesADeadLetterThatReplayDelivers() {
    RoutingReferrals referral = RoutingReferrals.referral().fromGp("B86002");
    failThenRecover(referral, "/camhs-spa/fhir", 503, Integer.MAX_VALUE);
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> "DEAD".equals(delivery(accepted).get("status")));
    Map<String, String> dead = delivery(accepted);
    assertThat(dead).containsEntry("attempts", "3").containsEntry("lastError", "HTTP 503");
    assertThat(deadLetterIds("camhs-spa")).contains(dead.get("id"));
    assertThat(taskOf(accepted).getBusinessStatus().getText())
        .contains("delivery to HealthcareService/camhs-spa failed");

    PartnerNetwork.PARTNERS.server().resetScenarios();
    removeStubsFor(referral);
    Parameters replayDelivery = new Parameters();
    replayDelivery.addParameter("delivery", new IntegerType(Integer.parseInt(dead.get("id"))));
    HttpResponse<String> replay = gateway.post("/fhir/$replay", replayDelivery);
    assertThat(replay.statusCode()).isEqualTo(200);
    assertThat(replay.body()).contains("\"valueInteger\":1");

    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    assertThat(partnerRequestsFor(referral)).hasSize(4);
    assertThat(delivery(accepted))
        .containsEntry("status", "DELIVERED")
        .containsEntry("attempts", "4");
    assertThat(deadLetterIds("camhs-spa")).doesNotContain(dead.get("id"));
  }

  @Test
  void partnerRefusingThePayloadIsADeadLetterAtOnceWithThePartnersReason() {
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("youth-justice").fromYouthJusticeService();
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(
            post(urlEqualTo("/camhs-young-peoples-team/fhir"))
                .withRequestBody(containing(referral.identifier()))
                .atPriority(1)
                .willReturn(
                    aResponse()
                        .withStatus(422)
                        .withHeader("Content-Type", "application/fhir+json")
                        .withBody(
                            "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                + "\"code\":\"processing\",\"diagnostics\":\"Unknown requester\"}]}")));
    Accepted accepted = accept(referral);

    await().atMost(DELIVERY).until(() -> "DEAD".equals(delivery(accepted).get("status")));
    assertThat(delivery(accepted))
        .containsEntry("attempts", "1")
        .containsEntry("lastError", "HTTP 422: Unknown requester");
    assertThat(partnerRequestsFor(referral)).hasSize(1);
  }

  @Test
  void referrerSubscribedToItsTasksIsNotifiedOfEachChangeThroughDurableDelivery() {
    // The referrer subscribes (rest-hook) to the Tasks of a young person, then refers them.
    RoutingReferrals referral = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
    String patient =
        gateway
            .fhir()
            .create()
            .resource(referral.patient(NhsNumbers.next()))
            .execute()
            .getId()
            .getIdPart();
    String hook = "/referrer-" + referral.identifier() + "/notify";
    gateway
        .fhir()
        .create()
        .resource(
            PartnerNetwork.subscription(
                "Task?subject=Patient/" + patient, hook, "Follow my referrals"))
        .execute();
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(200)));
    ServiceRequest serviceRequest = referral.serviceRequest();
    serviceRequest.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patient));
    assertThat(gateway.post("/fhir/ServiceRequest", serviceRequest).statusCode()).isEqualTo(201);

    await()
        .atMost(DELIVERY)
        .until(
            () ->
                notificationsTo(hook).stream()
                    .anyMatch(t -> t.getStatus() == Task.TaskStatus.RECEIVED));
    List<Task> notified = notificationsTo(hook);
    assertThat(notified.get(0).getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    assertThat(notified)
        .extracting(t -> t.getBusinessStatus().getText())
        .contains("delivered to HealthcareService/camhs-crisis");
    assertThat(notified).extracting(t -> t.getMeta().getVersionId()).doesNotHaveDuplicates();
  }

  @Test
  void subscriptionStoredEarlierInTheSameDatabaseTransactionIsToldOfTheTaskChange() {
    // The gateway's own code may store a Subscription and change a Task in one transaction, not
    // a FHIR transaction Bundle (whose writes HAPI flushes before any Task hook runs).
    String patient =
        gateway
            .fhir()
            .create()
            .resource(RoutingReferrals.referral().patient(NhsNumbers.next()))
            .execute()
            .getId()
            .getIdPart();
    String hook = "/same-transaction-" + patient + "/notify";
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(200)));
    Subscription subscription =
        PartnerNetwork.subscription(
            "Task?subject=Patient/" + patient, hook, "Stored with the Task it follows");
    Task task = new Task();
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setFor(new org.hl7.fhir.r4.model.Reference("Patient/" + patient));
    task.getBusinessStatus().setText("stored with its subscription");

    String taskId =
        new TransactionTemplate(transactions)
            .execute(
                status -> {
                  daoRegistry
                      .getResourceDao(Subscription.class)
                      .create(subscription, new SystemRequestDetails());
                  return daoRegistry
                      .getResourceDao(Task.class)
                      .create(task, new SystemRequestDetails())
                      .getId()
                      .toUnqualifiedVersionless()
                      .getValue();
                });

    await().atMost(DELIVERY).until(() -> !notificationsTo(hook).isEmpty());
    assertThat(notificationsTo(hook))
        .extracting(t -> t.getIdElement().toUnqualifiedVersionless().getValue())
        .containsExactly(taskId);
  }

  static List<Task> notificationsTo(String path) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .filter(r -> r.getUrl().equals(path))
        .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
        .map(r -> GatewayClient.FHIR.newJsonParser().parseResource(Task.class, r.getBodyAsString()))
        .toList();
  }

  @Test
  void barsMessageNamingATargetServiceGoesThereInsteadOfThroughTheRules() {
    // The rules would send this urgent referral to the crisis team; the sender names another.
    RoutingReferrals referral = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);
    Bundle message = TestMessages.referral(NhsNumbers.next(), referral.serviceRequest(), "new");
    ((org.hl7.fhir.r4.model.Patient) message.getEntry().get(1).getResource())
        .setBirthDate(referral.patient(NhsNumbers.next()).getBirthDate());

    HttpResponse<String> response =
        postMessage(
            message,
            target("https://cypmh-gateway.org/fhir/Id/service", "camhs-young-peoples-team"));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    await().atMost(DELIVERY).until(() -> !partnerRequestsFor(referral).isEmpty());
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> partnerRequestsFor(referral).size() == 1);
    assertThat(partnerRequestsFor(referral))
        .extracting(LoggedRequest::getUrl)
        .containsExactly("/camhs-young-peoples-team/fhir");
  }

  @Test
  void barsTargetThatIsMalformedOrUnknownIsRefusedBeforeAnythingIsStored() {
    RoutingReferrals referral = RoutingReferrals.referral();
    Bundle message = TestMessages.referral(NhsNumbers.next(), referral.serviceRequest(), "new");

    HttpResponse<String> malformed = postMessage(message, "not base64 json");
    HttpResponse<String> unknown =
        postMessage(
            message, target("https://cypmh-gateway.org/fhir/Id/service", "no-such-service"));

    // The gateway answers as BaRS's proxy does for a target it cannot decode or find.
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.barsCode(malformed)).isEqualTo("PROXY_BAD_REQUEST");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.barsCode(unknown)).isEqualTo("PROXY_NOT_FOUND");
    assertThat(
            gateway
                .get(
                    "/fhir/ServiceRequest?identifier=https://referrer.example.org/referrals%7C"
                        + referral.identifier())
                .body())
        .contains("\"total\":0");
  }

  private HttpResponse<String> postMessage(Bundle message, String target) {
    return TestMessages.post(gateway, message, target);
  }

  private static String target(String system, String value) {
    return TestMessages.target(system, value);
  }

  @Test
  void replayWithoutADeliveryOrServiceIsABadRequest() {
    HttpResponse<String> replay = gateway.post("/fhir/$replay", new Parameters());

    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(replay).getIssueFirstRep().getDiagnostics())
        .contains("delivery=")
        .contains("service=");
  }
}
