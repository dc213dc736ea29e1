package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * Transitions to adult services: the transition watch gives each young person with an open CAMHS
 * referral exactly one Task for the CAMHS transitions team however many runs look at once (boundary
 * ages included), and an agreed transition plan reaches the adult service it names and the GP, as
 * consent allows.
 */
@EmbeddedGateway
class TransitionTest extends RoutingBehaviourSupport {

  static final String TASK_SYSTEM = "https://cypmh-gateway.org/fhir/Id/transition-task";
  static final String SHARED_RECORD = "https://cypmh-gateway.org/fhir/Id/shared-record";
  static final String SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type";
  static final String AGREED =
      "https://cypmh-gateway.org/fhir/StructureDefinition/cypmh-agreed-with-young-person";
  static final ZoneId ENGLAND = ZoneId.of("Europe/London");

  @Test
  void theWatchCreatesOneTaskPerEligibleYoungPersonAcrossRepeatedAndConcurrentRuns() {
    LocalDate today = LocalDate.now(ENGLAND);
    String notYet = withCamhs(today.plusDays(91).minusMonths(210));
    String dueAtTheHorizon = withCamhs(today.plusDays(90).minusMonths(210));
    String aged17y5m30d = withCamhs(today.minusYears(17).minusMonths(5).minusDays(30));
    String aged17y6m = withCamhs(today.minusMonths(210));
    String dayBefore18 = withCamhs(today.minusYears(18).plusDays(1));
    String aged18 = withCamhs(today.minusYears(18));

    CompletableFuture<HttpResponse<String>> first = runWatchAsync();
    CompletableFuture<HttpResponse<String>> second = runWatchAsync();
    assertThat(first.join().statusCode()).as(first.join().body()).isEqualTo(200);
    assertThat(second.join().statusCode()).as(second.join().body()).isEqualTo(200);
    assertThat(runWatchAsync().join().statusCode()).isEqualTo(200);

    assertThat(transitionTasks(notYet)).isEmpty();
    for (String due : List.of(dueAtTheHorizon, aged17y5m30d, aged17y6m, dayBefore18)) {
      assertThat(transitionTasks(due))
          .as(due)
          .singleElement()
          .satisfies(
              task -> {
                assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
                assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
                assertThat(task.getOwner().getReference())
                    .isEqualTo("HealthcareService/camhs-transitions");
                assertThat(task.getFor().getReference()).isEqualTo(due);
                assertThat(task.getBusinessStatus().getText())
                    .startsWith("transition planning due");
              });
    }
    assertThat(transitionTasks(aged18))
        .singleElement()
        .satisfies(
            task -> {
              assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
              assertThat(task.getBusinessStatus().getText()).startsWith("overdue: 18 since");
            });
  }

  @Test
  void aYoungPersonWhoTurns18WithAnOpenTaskHasItFlaggedOverdueOnce() {
    LocalDate today = LocalDate.now(ENGLAND);
    String patient = withCamhs(today.minusYears(18).plusDays(1));
    assertThat(runWatchAsync().join().statusCode()).isEqualTo(200);
    assertThat(transitionTasks(patient))
        .singleElement()
        .extracting(Task::getPriority)
        .isEqualTo(Task.TaskPriority.ROUTINE);

    bornOn(patient, today.minusYears(18));
    assertThat(runWatchAsync().join().statusCode()).isEqualTo(200);
    assertThat(runWatchAsync().join().statusCode()).isEqualTo(200);

    Task flagged = transitionTasks(patient).get(0);
    assertThat(transitionTasks(patient)).hasSize(1);
    assertThat(flagged.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
    assertThat(flagged.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void anAgreedPlanReachesTheAdultServiceItNamesAndTheGp() {
    String patient = withCamhs(LocalDate.now(ENGLAND).minusYears(17).minusMonths(8));
    String plan = storePlan(patient, true);

    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              assertThat(plansReceived("/adult-cmht/fhir", plan)).hasSize(1);
              assertThat(plansReceived("/riverside-surgery/fhir", plan)).hasSize(1);
            });
    CarePlan received = plansReceived("/adult-cmht/fhir", plan).get(0);
    assertThat(received.getExtensionByUrl(AGREED).getValue().primitiveValue()).isEqualTo("true");
    assertThat(received.getSubject().getReference()).startsWith("urn:uuid:");
    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () ->
                assertThat(deliveryStatuses(plan))
                    .containsEntry("adult-cmht", "DELIVERED")
                    .containsEntry("riverside-surgery-gp", "DELIVERED"));
  }

  @Test
  void aPlanNotYetAgreedGoesNowhereAndARefusedGpGetsNothing() {
    String notAgreed =
        storePlan(withCamhs(LocalDate.now(ENGLAND).minusYears(17).minusMonths(8)), false);
    String gpRefused =
        storePlan(withCamhs(LocalDate.now(ENGLAND).minusYears(17).minusMonths(8), GP_ODS), true);

    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () ->
                assertThat(deliveryStatuses(gpRefused))
                    .containsEntry("adult-cmht", "DELIVERED")
                    .containsEntry("riverside-surgery-gp", "WITHHELD"));
    assertThat(plansReceived("/riverside-surgery/fhir", gpRefused)).isEmpty();
    assertThat(deliveryStatuses(notAgreed)).isEmpty();
    assertThat(plansReceived("/adult-cmht/fhir", notAgreed)).isEmpty();
  }

  @Test
  void aGpSubscribedToCarePlansIsToldOnlyOfItsOwnPatientsPlansItMayHave() {
    String hook = "/gp-" + java.util.UUID.randomUUID() + "/notify";
    PartnerNetwork.PARTNERS
        .server()
        .stubFor(
            com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(hook))
                .willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)));
    HttpResponse<String> subscribed =
        gateway.send(
            gateway
                .request("/fhir/Subscription")
                .header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .header("NHSD-End-User-Organisation-ODS", GP_ODS)
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        GatewayClient.FHIR
                            .newJsonParser()
                            .encodeResourceToString(carePlanSubscription(hook)))));
    assertThat(subscribed.statusCode()).as(subscribed.body()).isEqualTo(201);
    assertThat(gateway.post("/fhir/Subscription", carePlanSubscription(hook)).statusCode())
        .as("an operator cannot subscribe to every care plan")
        .isEqualTo(422);

    String ownPatient =
        storePlan(withCamhs(LocalDate.now(ENGLAND).minusYears(17).minusMonths(8)), true);
    String refusing =
        storePlan(withCamhs(LocalDate.now(ENGLAND).minusYears(17).minusMonths(8), GP_ODS), true);
    String notRegistered = storePlan(false, null).carePlan();

    await()
        .atMost(DELIVERY)
        .untilAsserted(() -> assertThat(notifiedPlans(hook)).contains(ownPatient));
    assertThat(notifiedPlans(hook)).doesNotContain(refusing, notRegistered);
  }

  private static org.hl7.fhir.r4.model.Subscription carePlanSubscription(String hook) {
    org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
    subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED);
    subscription.setReason("Transition plans of our registered patients");
    subscription.setCriteria("CarePlan?status=active");
    subscription
        .getChannel()
        .setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint(PartnerNetwork.PARTNERS.baseUrl() + hook)
        .setPayload("application/fhir+json");
    subscription.addExtension(
        "https://cypmh-gateway.org/fhir/StructureDefinition/endpoint-credentials",
        new org.hl7.fhir.r4.model.StringType("demo-partners"));
    return subscription;
  }

  private static List<String> notifiedPlans(String hook) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .filter(r -> r.getUrl().equals(hook))
        .map(
            r ->
                GatewayClient.FHIR
                    .newJsonParser()
                    .parseResource(CarePlan.class, r.getBodyAsString()))
        .map(p -> p.getIdElement().toUnqualifiedVersionless().getValue())
        .toList();
  }

  // --- young people with CAMHS ------------------------------------------------------------------

  /** A young person whose routine referral CAMHS received, then given this birth date. */
  private String withCamhs(LocalDate born, String... gpRefused) {
    RoutingReferrals referral = RoutingReferrals.referral().aged(17).registeredWith(GP_ODS);
    for (String ods : gpRefused) {
      referral.withConsent(ConsentProvisionType.DENY, ods);
    }
    Accepted accepted = accept(referral);
    await().atMost(DELIVERY).until(() -> !partnerRequestsFor(referral).isEmpty());
    String patient = patientOf(accepted);
    await()
        .atMost(DELIVERY)
        .until(
            () ->
                gateway
                    .get("/fhir/$deliveries?referral=" + accepted.referral())
                    .body()
                    .contains("DELIVERED"));
    bornOn(patient, born);
    return patient;
  }

  /** A corrected birth date, as a provider system would send it. */
  private void bornOn(String patientId, LocalDate born) {
    Patient patient = gateway.fhir().read().resource(Patient.class).withUrl(patientId).execute();
    patient.setBirthDateElement(new DateType(born.toString()));
    gateway.fhir().update().resource(patient).execute();
  }

  private CompletableFuture<HttpResponse<String>> runWatchAsync() {
    return CompletableFuture.supplyAsync(
        () ->
            gateway.post(
                "/fhir/$transition-watch",
                "application/fhir+json",
                "{\"resourceType\":\"Parameters\"}"));
  }

  private List<Task> transitionTasks(String patient) {
    Bundle found =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                gateway.get("/fhir/Task?identifier=" + TASK_SYSTEM + "%7C" + patient).body());
    return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
  }

  // --- transition plans -------------------------------------------------------------------------

  /** A transition plan naming the CAMHS young people's team's adult equivalent. */
  private String storePlan(String patient, boolean agreed) {
    CarePlan plan = transitionPlan(patient);
    plan.getExtensionByUrl(AGREED).setValue(new BooleanType(agreed));
    plan.addActivity()
        .getDetail()
        .setStatus(CarePlan.CarePlanActivityStatus.NOTSTARTED)
        .setDescription("Referral to adult community mental health services")
        .getCode()
        .addCoding(new Coding(SERVICE_TYPES, "camhs-young-peoples-team", null));
    HttpResponse<String> created = gateway.post("/fhir/CarePlan", plan);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(CarePlan.class, created.body())
        .getIdElement()
        .toUnqualifiedVersionless()
        .getValue();
  }

  private static List<CarePlan> plansReceived(String path, String plan) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> (LoggedRequest) e.getRequest())
        .filter(r -> r.getUrl().equals(path))
        .map(
            r ->
                GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, r.getBodyAsString()))
        .flatMap(b -> b.getEntry().stream())
        .map(e -> e.getResource())
        .filter(CarePlan.class::isInstance)
        .map(CarePlan.class::cast)
        .filter(
            p ->
                p.getIdentifier().stream()
                    .anyMatch(
                        i -> SHARED_RECORD.equals(i.getSystem()) && plan.equals(i.getValue())))
        .toList();
  }

  /** The plan's deliveries to directory services (not subscription notifications), by service. */
  private Map<String, String> deliveryStatuses(String focus) {
    return parameters("/fhir/$deliveries?referral=" + focus).getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .filter(d -> !d.get("serviceId").startsWith("Subscription/"))
        .collect(
            Collectors.toMap(d -> d.get("serviceId"), d -> d.get("status"), (a, b) -> a + "," + b));
  }
}
