package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs the route test cases integration engineers write beside the routes ({@code
 * routes/demo/tests/*.yaml}): each case is a referral and the destinations (exactly) and codes
 * expected, checked through {@code $route-preview} on the running gateway.
 */
@EmbeddedGateway
class DeclarativeRouteTest {

  @LocalServerPort int port;

  @TestFactory
  Stream<DynamicTest> everyRouteTestCasePasses() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    Resource[] files =
        new PathMatchingResourcePatternResolver()
            .getResources("classpath:routes/demo/tests/*.yaml");
    assertThat(files).isNotEmpty();
    for (Resource file : files) {
      for (Map<String, Object> testCase : cases(file)) {
        tests.add(
            dynamicTest(file.getFilename() + ": " + testCase.get("case"), () -> run(testCase)));
      }
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(12);
    return tests.stream();
  }

  @SuppressWarnings("unchecked")
  private void run(Map<String, Object> testCase) {
    Map<String, Object> given = (Map<String, Object>) testCase.get("referral");
    Map<String, Object> expect = (Map<String, Object>) testCase.get("expect");
    var response =
        new GatewayClient(port).post("/fhir/$route-preview", referral(given).transaction());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Parameters preview =
        GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
    List<ParametersParameterComponent> destinations =
        preview.getParameter().stream().filter(p -> p.getName().equals("destination")).toList();

    assertThat(destinations)
        .extracting(d -> RoutingBehaviour.flat(d).get("serviceId"))
        .containsExactlyInAnyOrderElementsOf((List<String>) expect.get("destinations"));
    if (expect.containsKey("performerType")) {
      ServiceRequest sent =
          RoutingBehaviour.only(payload(destinations.get(0)), ServiceRequest.class);
      assertThat(sent.getPerformerType().getCoding())
          .extracting(Coding::getCode)
          .containsExactlyElementsOf((List<String>) expect.get("performerType"));
    }
  }

  @SuppressWarnings("unchecked")
  private static RoutingReferrals referral(Map<String, Object> given) {
    RoutingReferrals referral = RoutingReferrals.referral();
    if (given.containsKey("pathway")) {
      referral.pathway((String) given.get("pathway"));
    }
    if (given.containsKey("priority")) {
      referral.priority(ServiceRequestPriority.fromCode((String) given.get("priority")));
    }
    if (given.containsKey("ageYears")) {
      referral.aged((Integer) given.get("ageYears"));
    }
    String referrer = (String) given.getOrDefault("referrer", "gp:B86001");
    String[] kind = referrer.split(":", 2);
    switch (kind[0]) {
      case "self" -> referral.selfReferral();
      case "gp" -> referral.fromGp(kind[1]);
      case "school" -> referral.fromSchool(kind[1]);
      case "org" -> referral.fromOrganisation(kind[1]);
      default -> throw new IllegalArgumentException("Unknown referrer " + referrer);
    }
    ((List<String>) given.getOrDefault("reasons", List.of())).forEach(referral::reason);
    if (given.containsKey("askingFor")) {
      referral.askingFor((String) given.get("askingFor"));
    }
    return referral;
  }

  private static Bundle payload(ParametersParameterComponent destination) {
    return (Bundle)
        destination.getPart().stream()
            .filter(p -> p.getName().equals("payload"))
            .findFirst()
            .orElseThrow()
            .getResource();
  }

  private static List<Map<String, Object>> cases(Resource file) {
    try (InputStream in = file.getInputStream()) {
      return new Yaml().load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
