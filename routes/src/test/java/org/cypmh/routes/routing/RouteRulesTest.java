package org.cypmh.routes.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The house rules a route file must pass before it replaces running routes, each refusal as {@code
 * file:line: problem}. Files are parsed by Camel's YAML DSL in a plain CamelContext (no Spring, not
 * started) with the gateway's component, so {@code gateway:} endpoints are built as in the gateway.
 */
class RouteRulesTest {

  private static final String FILE = "pathways.yaml";

  private static CamelContext camel;

  @BeforeAll
  static void camel() {
    camel = new DefaultCamelContext();
    camel.setSourceLocationEnabled(true);
    camel.addComponent("gateway", new GatewayComponent(null, null, null));
  }

  @AfterAll
  static void close() throws Exception {
    camel.close();
  }

  @Test
  void thePackagedDemoRoutesPass() throws IOException {
    String file = "routes/demo/referral-pathways.yaml";
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThatCode(() -> rules(file, text, Set.of()).check()).doesNotThrowAnyException();
    }
  }

  @Test
  void routesMayStartFromGatewayReferralOrDirectAndReachGatewayDirectAndLog() {
    String file =
        """
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - filter:
                    simple: "${body.urgent} == true"
                    steps:
                      - to: direct:crisis-team
                      - to: log:crisis
        - route:
            id: crisis-team
            from:
              uri: direct:crisis-team
              steps:
                - to:
                    uri: gateway:translate
                    parameters:
                      conceptMap: https://example.org/ConceptMap/x
                - to:
                    uri: gateway:deliver
                    parameters:
                      service: camhs-crisis
        """;

    assertThatCode(() -> rules(file, Set.of()).check()).doesNotThrowAnyException();
  }

  @Test
  void aFileWithoutRoutesIsRefusedWithoutALine() {
    assertThat(refusal("[]\n")).isEqualTo("pathways.yaml: the file defines no routes");
  }

  @Test
  void everyRouteNeedsAnId() {
    String file =
        """
        - route:
            id: first
            from:
              uri: gateway:referral
              steps:
                - to: log:first
        - route:
            from:
              uri: gateway:referral
              steps:
                - to: log:second
        """;

    assertThat(refusal(file)).isEqualTo("pathways.yaml:7: every route needs an id");
  }

  @Test
  void theGatewaysPrefixIsReserved() {
    String file =
        """
        - route:
            id: gateway-outbox
            from:
              uri: gateway:referral
              steps:
                - to: log:x
        """;

    assertThat(refusal(file))
        .isEqualTo("pathways.yaml:1: route id gateway-outbox uses the reserved prefix gateway-");
  }

  @Test
  void anIdUsedTwiceInTheFileIsRefusedAtItsSecondUse() {
    String file =
        """
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - to: log:one
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - to: log:two
        """;

    assertThat(refusal(file)).isEqualTo("pathways.yaml:7: route id crisis is used more than once");
  }

  @Test
  void anIdAnotherFileUsesIsRefused() {
    String file =
        """
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - to: log:one
        """;

    assertThat(refusal(file, Set.of("adult-services", "crisis")))
        .isEqualTo("pathways.yaml:1: route id crisis is used more than once");
    assertThatCode(() -> rules(file, Set.of("adult-services")).check()).doesNotThrowAnyException();
  }

  @Test
  void aRouteMayNotStartFromAnyOtherEndpoint() {
    String file =
        """
        - route:
            id: poller
            from:
              uri: timer:tick
              steps:
                - to: gateway:deliver?service=camhs-crisis
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:1: route poller starts from timer:tick; use gateway:referral or"
                + " direct:<name>");
  }

  @Test
  void sendingAnywhereButGatewayDirectOrLogIsRefusedAtTheSendingLine() {
    String file =
        """
        - route:
            id: leak
            from:
              uri: gateway:referral
              steps:
                - to: log:before
                - to: https://partner.example.org/fhir
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:7: route leak sends to https:, which bypasses consent and audit;"
                + " deliver with gateway:deliver");
  }

  @Test
  void aSendNestedInAFilterOrChoiceIsCheckedToo() {
    String file =
        """
        - route:
            id: nested
            from:
              uri: gateway:referral
              steps:
                - choice:
                    when:
                      - simple: "${body.urgent} == true"
                        steps:
                          - filter:
                              simple: "${body.ageYears} < 18"
                              steps:
                                - to: file:/tmp/referrals
                    otherwise:
                      steps:
                        - to: log:routine
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:13: route nested sends to file:, which bypasses consent and audit;"
                + " deliver with gateway:deliver");
  }

  @Test
  void aDynamicSendIsCheckedByItsScheme() {
    String file =
        """
        - route:
            id: dynamic
            from:
              uri: gateway:referral
              steps:
                - toD: "http://partner.example.org/${body.pathway}"
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:6: route dynamic sends to http:, which bypasses consent and audit;"
                + " deliver with gateway:deliver");
  }

  @ParameterizedTest
  @ValueSource(strings = {"recipientList", "routingSlip", "dynamicRouter", "enrich", "pollEnrich"})
  void dynamicRecipientsAreRefusedWhateverTheyWouldReach(String eip) {
    String step = eip + ":\n              simple: \"direct:a\"";
    String file =
        """
        - route:
            id: fan-out
            from:
              uri: gateway:referral
              steps:
                - to: log:first
                - %s
        """
            .formatted(step);

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:7: route fan-out uses "
                + eip
                + ", which can reach any endpoint; deliver with gateway:deliver");
  }

  @Test
  void aGatewayBlockCamelCannotBuildIsReportedAtItsLine() {
    String file =
        """
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - to: log:first
                - to: gateway:deliver
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:7: gateway:deliver needs exactly one of service=<service identifier>"
                + " or serviceType=<code>");
  }

  @Test
  void anUnknownGatewayBlockIsReportedAtItsLine() {
    String file =
        """
        - route:
            id: crisis
            from:
              uri: gateway:referral
              steps:
                - to: gateway:send?service=camhs-crisis
        """;

    assertThat(refusal(file))
        .isEqualTo(
            "pathways.yaml:6: Unknown gateway block 'send': use gateway:referral,"
                + " gateway:translate, gateway:consent or gateway:deliver");
  }

  private static String refusal(String text) {
    return refusal(text, Set.of());
  }

  private static String refusal(String text, Set<String> otherFilesIds) {
    RouteFileProblem problem =
        catchThrowableOfType(() -> rules(text, otherFilesIds).check(), RouteFileProblem.class);
    assertThat(problem).as("the file is refused").isNotNull();
    return problem.getMessage();
  }

  private static RouteRules rules(String text, Set<String> otherFilesIds) {
    return rules(FILE, text, otherFilesIds);
  }

  /** Parses a file as {@link RouteFiles} does, and the rules that check it. */
  private static RouteRules rules(String file, String text, Set<String> otherFilesIds) {
    List<RouteDefinition> routes = new ArrayList<>();
    try {
      for (RoutesBuilder builder :
          PluginHelper.getRoutesLoader(camel)
              .findRoutesBuilders(List.of(ResourceHelper.fromString(file, text)))) {
        routes.addAll(((RouteBuilder) builder).configureRoutes(camel).getRoutes());
      }
    } catch (Exception e) {
      throw new AssertionError("the test file does not parse", e);
    }
    return new RouteRules(file, routes, otherFilesIds, camel);
  }
}
