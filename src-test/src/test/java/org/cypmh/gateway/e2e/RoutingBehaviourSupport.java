package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What routing and consent tests share: posting referrals, reading their Task and deliveries, and
 * the partners' request journals.
 */
abstract class RoutingBehaviourSupport {

  static final Duration DELIVERY = Duration.ofSeconds(20);

  /** Riverside Surgery, the demo directory's GP practice. */
  static final String GP_ODS = "Y99901";

  @LocalServerPort int port;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  record Accepted(String referral, String task) {}

  Accepted accept(RoutingReferrals referral) {
    HttpResponse<String> response = gateway.post("/fhir", referral.transaction());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle result = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    String location =
        result.getEntry().stream()
            .map(e -> e.getResponse().getLocation())
            .filter(l -> l.startsWith("ServiceRequest/"))
            .findFirst()
            .orElseThrow();
    String referralId = location.replaceAll("/_history/.*$", "");
    Task task =
        (Task)
            gateway
                .fhir()
                .search()
                .forResource(Task.class)
                .where(Task.FOCUS.hasId(referralId))
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    return new Accepted(referralId, task.getIdElement().toUnqualifiedVersionless().getValue());
  }

  Task taskOf(Accepted accepted) {
    return gateway.fhir().read().resource(Task.class).withUrl(accepted.task()).execute();
  }

  /** The referral's only delivery, as name to value; empty while it has none yet. */
  Map<String, String> delivery(Accepted accepted) {
    Parameters deliveries =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Parameters.class,
                gateway.get("/fhir/$deliveries?referral=" + accepted.referral()).body());
    // Empty until the referral has been routed.
    assertThat(deliveries.getParameter()).hasSizeLessThanOrEqualTo(1);
    return deliveries.hasParameter() ? flat(deliveries.getParameterFirstRep()) : Map.of();
  }

  List<String> deadLetterIds(String service) {
    Parameters dead =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Parameters.class, gateway.get("/fhir/$dead-letters?service=" + service).body());
    return dead.getParameter().stream().map(p -> flat(p).get("id")).toList();
  }

  static Map<String, String> flat(ParametersParameterComponent parameter) {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    for (ParametersParameterComponent part : parameter.getPart()) {
      if (part.getValue() != null) {
        values.putIfAbsent(
            part.getName(),
            part.getValue() instanceof org.hl7.fhir.r4.model.Reference r
                ? r.getReference()
                : part.getValue() instanceof org.hl7.fhir.r4.model.Identifier i
                    ? i.getValue()
                    : part.getValue().primitiveValue());
      }
    }
    return values;
  }

  static List<LoggedRequest> partnerRequestsFor(RoutingReferrals referral) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> e.getRequest())
        .filter(r -> r.getBodyAsString().contains(referral.identifier()))
        .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
        .map(LoggedRequest.class::cast)
        .toList();
  }

  /** The partner answers {@code status} to this referral {@code failures} times, then accepts. */
  static void failThenRecover(RoutingReferrals referral, String path, int status, int failures) {
    var server = PartnerNetwork.PARTNERS.server();
    String scenario = referral.identifier();
    if (failures == Integer.MAX_VALUE) {
      server.stubFor(
          post(urlEqualTo(path))
              .withRequestBody(containing(referral.identifier()))
              .atPriority(1)
              .willReturn(aResponse().withStatus(status)));
      return;
    }
    server.stubFor(
        post(urlEqualTo(path))
            .withRequestBody(containing(referral.identifier()))
            .atPriority(1)
            .inScenario(scenario)
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(status))
            .willSetStateTo("recovered"));
  }

  static void removeStubsFor(RoutingReferrals referral) {
    var server = PartnerNetwork.PARTNERS.server();
    server.getStubMappings().stream()
        .filter(m -> m.getRequest().getBodyPatterns() != null)
        .filter(
            m ->
                m.getRequest().getBodyPatterns().stream()
                    .anyMatch(p -> p.getExpected().contains(referral.identifier())))
        .toList()
        .forEach(server::removeStubMapping);
  }

  static <T> T only(Bundle bundle, Class<T> type) {
    List<T> found =
        bundle.getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(type::isInstance)
            .map(type::cast)
            .toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  record StoredPlan(String patient, String nhsNumber, String carePlan) {}

  /**
   * A young person (17, registered with the GP) with a transition plan; optionally denying the GP.
   */
  StoredPlan storePlan(boolean denyGp) {
    return storePlan(denyGp, GP_ODS);
  }

  /**
   * A young person (17) registered with the GP practice {@code registeredGp} (none if null) with a
   * transition plan; optionally denying the GP.
   */
  StoredPlan storePlan(boolean denyGp, String registeredGp) {
    String nhsNumber = NhsNumbers.next();
    RoutingReferrals young = RoutingReferrals.referral().aged(17);
    if (registeredGp != null) {
      young.registeredWith(registeredGp);
    }
    Patient patient = young.patient(nhsNumber);
    String patientId =
        gateway
            .fhir()
            .create()
            .resource(patient)
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue();
    CarePlan plan = transitionPlan(patientId);
    String planId =
        gateway
            .fhir()
            .create()
            .resource(plan)
            .execute()
            .getId()
            .toUnqualifiedVersionless()
            .getValue();
    if (denyGp) {
      Consent deny =
          ConsentFixtures.consent(ConsentProvisionType.DENY, ConsentFixtures.actorOds(GP_ODS));
      deny.setPatient(new Reference(patientId));
      deny.addPerformer(new Reference(patientId));
      assertThat(gateway.post("/fhir/Consent", deny).statusCode()).isEqualTo(201);
    }
    return new StoredPlan(patientId, nhsNumber, planId);
  }

  static CarePlan transitionPlan(String patient) {
    CarePlan example =
        (CarePlan)
            ConformancePackage.load(GatewayClient.FHIR).examples().stream()
                .filter(e -> e.valid() && e.resource() instanceof CarePlan)
                .findFirst()
                .orElseThrow()
                .resource()
                .copy();
    example.setId((String) null);
    example.setSubject(new Reference(patient));
    example.setAuthor(null);
    example.getCareTeam().clear();
    example.getGoal().clear();
    example.getActivity().removeIf(a -> a.hasReference());
    return example;
  }

  Bundle gpSearch(String path) {
    HttpResponse<String> response = gpGet(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  HttpResponse<String> gpGet(String path) {
    return gateway.send(
        gateway
            .request(path.replace("|", "%7C"))
            .header("Accept", "application/fhir+json")
            .header("NHSD-End-User-Organisation-ODS", GP_ODS)
            .GET());
  }

  String patientOf(Accepted accepted) {
    ServiceRequest referral =
        gateway.fhir().read().resource(ServiceRequest.class).withUrl(accepted.referral()).execute();
    return referral.getSubject().getReference();
  }

  Bundle payloadOf(RoutingReferrals referral) {
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Bundle.class, partnerRequestsFor(referral).get(0).getBodyAsString());
  }

  Parameters parameters(String path) {
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Parameters.class, gateway.get(path).body());
  }

  List<Map<String, String>> decisions(String patient) {
    return parameters("/fhir/" + patient + "/$consent-decisions").getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .toList();
  }

  Map<String, String> reviewOf(Accepted accepted) {
    return parameters("/fhir/$break-glass-review").getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .filter(d -> d.getOrDefault("subject", "").startsWith(accepted.referral()))
        .findFirst()
        .orElseThrow();
  }
}
