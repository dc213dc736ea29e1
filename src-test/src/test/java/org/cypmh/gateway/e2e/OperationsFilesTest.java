package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code gateway/ops} name only metrics the
 * running gateway exposes: a renamed metric would otherwise leave an empty panel and an alert that
 * never fires. Counters appear once something has happened, so the test first makes every kind
 * happen (an accepted and a refused delivery, a referral refused by validation).
 */
@EmbeddedGateway
class OperationsFilesTest extends RoutingBehaviourSupport {

  static final Path OPS = Path.of("..", "gateway", "ops").toAbsolutePath().normalize();

  /** Our metric names in PromQL: Prometheus names of the gateway's own metrics. */
  private static final Pattern METRIC = Pattern.compile("\\bgateway_[a-z0-9_]+\\b");

  @Test
  void everyMetricTheDashboardAndAlertsNameIsExposedByTheGateway() throws Exception {
    OperationsMetricsTest.deliverOneAndDeadLetterOne(this);
    // A referral without its priority: refused by profile validation, counted per partner.
    Bundle invalid =
        TestReferrals.transaction(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"));
    ((ServiceRequest) invalid.getEntry().get(1).getResource()).setPriority(null);
    assertThat(gateway.post("/fhir", invalid).statusCode()).isEqualTo(422);

    Set<String> named = new TreeSet<>();
    named.addAll(alertMetrics());
    named.addAll(dashboardMetrics());
    assertThat(named).as("metrics the ops files name").hasSizeGreaterThan(15);

    Set<String> exposed = PrometheusScrape.read(gateway).names();
    assertThat(exposed).containsAll(named);
  }

  /** Every rule has an alert name, an expression and a summary, and what the expressions name. */
  @SuppressWarnings("unchecked")
  private static Set<String> alertMetrics() throws Exception {
    Map<String, Object> rules =
        new Yaml().load(Files.readString(OPS.resolve("prometheus/alerts.yml")));
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        assertThat(rule).containsKeys("alert", "expr", "annotations");
        assertThat((Map<String, Object>) rule.get("annotations")).containsKey("summary");
        names.addAll(metrics(rule.get("expr").toString()));
      }
    }
    return names;
  }

  private static Set<String> dashboardMetrics() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(OPS.resolve("grafana/cypmh-gateway.json").toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      names.addAll(metrics(expr.asText()));
    }
    return names;
  }

  private static Set<String> metrics(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(promql);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }
}
