package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.cypmh.gateway.GatewayApplication;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The embedded default's demo partner network, end to end over mutual TLS: a referral posted by the
 * demo VCSE partner is delivered to the simulated CAMHS crisis team, which keeps what it received
 * and answers as the demo CAMHS trust (RZZ) with BaRS responses; a service switched to down makes
 * the delivery retry, a slow one makes the gateway stop waiting and retry, and back to accept it is
 * delivered. Its own context: the network is off in every other test (their partners are WireMock).
 */
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "gateway.security.mode=enforced",
      "gateway.security.demo=true",
      "gateway.security.mtls.port=0",
      "gateway.demo-partners.enabled=true",
      "gateway.demo-partners.port=0",
      "gateway.demo-partners.answer-delay=300ms",
      "routes.outbox.poll-interval=100ms",
      "routes.delivery.poll-interval=300ms",
      "routes.delivery.max-redeliveries=30",
      "routes.delivery.redelivery-delay=200ms",
      "routes.delivery.max-redelivery-delay=500ms",
      "routes.delivery.response-timeout=3s",
      "routes.delivery.breaker-failure-rate=100",
      "routes.delivery.breaker-open-for=200ms"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoPartnerNetworkTest {

  private static final String CRISIS = "camhs-crisis";

  /**
   * One folder, fixed for the context: {@code ${random.uuid}} would differ between the properties
   * that derive from it (the PKI folder and the demo-partners credentials).
   */
  private static final String DATA_DIR = "./target/e2e-data/demo-network-" + UUID.randomUUID();

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) {
    registry.add("gateway.storage.data-dir", () -> DATA_DIR);
  }

  private static final String EATING_DISORDERS = "camhs-eating-disorders";

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private HttpClient vcse;
  private HttpClient admin;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    vcse = partners.demo("demo-vcse");
    admin = partners.demo("demo-admin");
  }

  @AfterEach
  void everyServiceAcceptsAgain() {
    behave(CRISIS, "accept");
    behave(EATING_DISORDERS, "accept");
  }

  @Test
  void anUrgentReferralIsDeliveredToTheSimulatedCrisisTeamWhichAnswersOverBars() {
    // An urgent referral of a 17-year-old: the crisis route (and the eating disorders pathway).
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Not eating for a week");
    String identifier = referral.getIdentifierFirstRep().getValue();
    String serviceRequest = postReferral(referral);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(delivery(serviceRequest, CRISIS).status()).isEqualTo("DELIVERED"));

    // What the simulated crisis team received: the exact transaction the gateway sent.
    List<String> payloads = received(CRISIS);
    assertThat(payloads).filteredOn(p -> p.contains(identifier)).hasSize(1);
    Bundle delivered =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                payloads.stream().filter(p -> p.contains(identifier)).findFirst().get());
    assertThat(delivered.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);

    // The crisis team's own BaRS answers move the Task on: accepted, then in progress.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(task(serviceRequest).getStatus()).isEqualTo(Task.TaskStatus.INPROGRESS));
    Task task = task(serviceRequest);
    assertThat(task.getBusinessStatus().getText())
        .startsWith("response from ")
        .endsWith("in progress: first appointment offered (demo)");
    assertThat(statusHistory(task.getIdElement().getIdPart()))
        .containsSubsequence(Task.TaskStatus.ACCEPTED, Task.TaskStatus.INPROGRESS);
  }

  @Test
  void aServiceThatIsDownMakesTheDeliveryRetryAndBackUpItIsDelivered() {
    assertThat(behave(CRISIS, "down")).isEqualTo("down");
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Fainting at school");
    String identifier = referral.getIdentifierFirstRep().getValue();
    String serviceRequest = postReferral(referral);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(delivery(serviceRequest, CRISIS).statuses())
                    .hasSizeGreaterThanOrEqualTo(2)
                    .containsOnly(503));
    assertThat(delivery(serviceRequest, CRISIS).status()).isEqualTo("PENDING");
    assertThat(received(CRISIS)).noneMatch(p -> p.contains(identifier));

    behave(CRISIS, "accept");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(delivery(serviceRequest, CRISIS).status()).isEqualTo("DELIVERED"));
    Delivery delivered = delivery(serviceRequest, CRISIS);
    assertThat(delivered.statuses().get(delivered.statuses().size() - 1)).isEqualTo(200);
    assertThat(received(CRISIS)).filteredOn(p -> p.contains(identifier)).hasSize(1);
  }

  @Test
  void aSlowServiceMakesTheGatewayStopWaitingAndRetryThenItIsDelivered() {
    assertThat(behave(CRISIS, "slow")).isEqualTo("slow");
    String serviceRequest =
        postReferral(TestReferrals.eatingDisorderReferral("Dizzy and not eating since Monday"));

    // Slow answers only after the gateway's response timeout (3 s here): an attempt without an
    // HTTP status, its outcome the timeout, and the delivery still pending for a retry.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(outcomes(serviceRequest, CRISIS))
                    .contains(
                        "no answer from Endpoint/camhs-crisis-endpoint: SocketTimeoutException"));
    assertThat(delivery(serviceRequest, CRISIS).statuses()).doesNotContain(200);

    behave(CRISIS, "accept");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(delivery(serviceRequest, CRISIS).status()).isEqualTo("DELIVERED"));
  }

  @Test
  void aServiceSetToRejectAnswersRejectedWithAReason() {
    assertThat(behave(CRISIS, "reject")).isEqualTo("reject");
    String serviceRequest =
        postReferral(TestReferrals.eatingDisorderReferral("Refusing fluids since yesterday"));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(task(serviceRequest).getStatus()).isEqualTo(Task.TaskStatus.REJECTED));
    assertThat(task(serviceRequest).getBusinessStatus().getText())
        .endsWith("rejected: the referral does not meet our criteria (demo)");
    assertThat(delivery(serviceRequest, CRISIS).status()).isEqualTo("DELIVERED");
  }

  @Test
  void partnersCannotSteerTheDemoNetwork() {
    HttpResponse<String> refused =
        PartnerClients.send(
            vcse,
            PartnerClients.post(partners.https("/fhir/$demo-partner"), steering(CRISIS, "down")));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
  }

  // --- helpers

  private String postReferral(ServiceRequest referral) {
    HttpResponse<String> response =
        PartnerClients.send(
            vcse,
            PartnerClients.post(
                partners.https("/fhir"), TestReferrals.transaction(NhsNumbers.next(), referral)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.bundle(response).getEntry().stream()
        .map(entry -> entry.getResponse().getLocation())
        .filter(location -> location.startsWith("ServiceRequest/"))
        .map(location -> location.substring(0, location.indexOf("/_history")))
        .findFirst()
        .orElseThrow();
  }

  private String behave(String service, String behaviour) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin,
            PartnerClients.post(
                partners.https("/fhir/$demo-partner"), steering(service, behaviour)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.parse(Parameters.class, response).getParameter().get(0).getPart().stream()
        .filter(p -> p.getName().equals("behaviour"))
        .map(p -> p.getValue().primitiveValue())
        .findFirst()
        .orElseThrow();
  }

  private static Parameters steering(String service, String behaviour) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("service").setValue(new StringType(service));
    parameters.addParameter().setName("behaviour").setValue(new StringType(behaviour));
    return parameters;
  }

  private List<String> received(String service) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin, PartnerClients.get(partners.https("/fhir/$demo-received?service=" + service)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.parse(Parameters.class, response).getParameter().stream()
        .map(
            p ->
                p.getPart().stream()
                    .filter(part -> part.getName().equals("payload"))
                    .map(part -> part.getValue().primitiveValue())
                    .findFirst()
                    .orElseThrow())
        .toList();
  }

  private record Delivery(String status, List<Integer> statuses) {}

  private Delivery delivery(String serviceRequest, String service) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin,
            PartnerClients.get(partners.https("/fhir/$deliveries?referral=" + serviceRequest)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ParametersParameterComponent found =
        PartnerClients.parse(Parameters.class, response).getParameter().stream()
            .filter(d -> service.equals(part(d, "serviceId")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no delivery to " + service + " yet"));
    List<Integer> statuses =
        found.getPart().stream()
            .filter(p -> p.getName().equals("attempt"))
            .map(
                a ->
                    a.getPart().stream()
                        .filter(p -> p.getName().equals("httpStatus"))
                        .map(p -> ((IntegerType) p.getValue()).getValue())
                        .findFirst()
                        .orElse(null))
            .filter(Objects::nonNull)
            .toList();
    return new Delivery(part(found, "status"), statuses);
  }

  /** The outcome of each attempt to deliver this referral to the service, in order. */
  private List<String> outcomes(String serviceRequest, String service) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin,
            PartnerClients.get(partners.https("/fhir/$deliveries?referral=" + serviceRequest)));
    return PartnerClients.parse(Parameters.class, response).getParameter().stream()
        .filter(d -> service.equals(part(d, "serviceId")))
        .flatMap(d -> d.getPart().stream())
        .filter(p -> p.getName().equals("attempt"))
        .map(attempt -> part(attempt, "outcome"))
        .toList();
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream()
        .filter(p -> p.getName().equals(name))
        .map(p -> p.getValue().primitiveValue())
        .findFirst()
        .orElse(null);
  }

  private Task task(String serviceRequest) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin, PartnerClients.get(partners.https("/fhir/Task?focus=" + serviceRequest)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.bundle(response).getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Task.class::isInstance)
        .map(Task.class::cast)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Task for " + serviceRequest));
  }

  private List<Task.TaskStatus> statusHistory(String taskId) {
    HttpResponse<String> response =
        PartnerClients.send(
            admin, PartnerClients.get(partners.https("/fhir/Task/" + taskId + "/_history")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Task.TaskStatus> statuses =
        new java.util.ArrayList<>(
            PartnerClients.bundle(response).getEntry().stream()
                .map(e -> ((Task) e.getResource()).getStatus())
                .toList());
    // _history lists the newest version first.
    java.util.Collections.reverse(statuses);
    return statuses;
  }
}
