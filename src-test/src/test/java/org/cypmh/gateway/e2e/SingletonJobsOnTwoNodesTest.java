package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (separate processes, PostgreSQL) sharing their configuration and jobs: a route
 * file saved on one node runs on the other at its next poll (route files in the database); and with
 * the transition watch every few seconds, the watch runs on one node per interval (never two runs
 * within one interval, whichever node runs it), and when the node holding its lease is killed
 * (SIGKILL) the other runs it once the lease has run out.
 */
@Tag("multi-node")
class SingletonJobsOnTwoNodesTest {

  private static final Duration INTERVAL = Duration.ofSeconds(3);
  private static final Pattern RUN =
      Pattern.compile("\"@timestamp\":\"([^\"]+)\".*\"message\":\"Transition watch: ");

  @Test
  void theWatchRunsOnOneNodePerIntervalAndMovesWhenItsNodeIsKilled() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "singletons-");
    String[] settings =
        PartnerNetwork.onPostgres(
            database.jdbcUrl(),
            database.user(),
            root,
            "routes.transitions.watch-interval=" + INTERVAL.toSeconds() + "s",
            "routes.files.source=database",
            "routes.files.poll-interval=1s");
    Path aLog = root.resolve("a.log");
    Path bLog = root.resolve("b.log");
    // The first node creates the schema; the second joins it.
    GatewayProcess a = GatewayProcess.start(root.resolve("a"), aLog, settings);
    GatewayProcess b = GatewayProcess.start(root.resolve("b"), bLog, settings);
    try {
      aRouteFileSavedOnOneNodeRunsOnTheOther(
          new GatewayClient(a.port()), new GatewayClient(b.port()));

      await().atMost(Duration.ofMinutes(1)).until(() -> runs(aLog).size() + runs(bLog).size() >= 5);
      List<Instant> all = new ArrayList<>(runs(aLog));
      all.addAll(runs(bLog));
      all.sort(null);
      // Both nodes run the schedule every interval at their own moments; with the lease only one
      // run happens per interval. Each run is logged when it ends, so a slow run shortens the gap
      // to the next by its length: a second's margin.
      for (int i = 1; i < all.size(); i++) {
        assertThat(Duration.between(all.get(i - 1), all.get(i)))
            .as("runs %s", all)
            .isGreaterThan(INTERVAL.minusSeconds(1));
      }

      // Killed just after a run: its period lease is held, its run lease free (a node killed
      // mid-run would hold the watch up for the run lease's 15 minutes).
      int before = all.size();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> runs(aLog).size() + runs(bLog).size() > before);
      String holder = periodLeaseHolder(database);
      GatewayProcess holding = holder.endsWith("/" + a.pid()) ? a : b;
      GatewayProcess other = holding == a ? b : a;
      Path otherLog = holding == a ? bLog : aLog;
      assertThat(holder).endsWith("/" + holding.pid());
      holding.kill();
      Instant killed = Instant.now();

      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> runs(otherLog).stream().filter(killed::isBefore).count() >= 2);
      assertThat(periodLeaseHolder(database)).endsWith("/" + other.pid());
    } finally {
      b.close();
      a.close();
    }
  }

  private static void aRouteFileSavedOnOneNodeRunsOnTheOther(GatewayClient a, GatewayClient b) {
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("neurodevelopmental").fromSchool("999002");
    assertThat(destinations(b, referral)).isEmpty();
    Parameters upload = new Parameters();
    upload.addParameter("name", new StringType("schools.yaml"));
    upload.addParameter(
        "content",
        new StringType(
            """
            - route:
                id: schools-neurodevelopmental
                from:
                  uri: gateway:referral
                  steps:
                    - filter:
                        simple: "${body.pathway} == 'neurodevelopmental'"
                        steps:
                          - to: gateway:deliver?service=camhs-spa
            """));
    upload.addParameter("basedOn", new IntegerType(0));
    HttpResponse<String> saved = a.post("/fhir/$route-file-upload", upload);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(30)).until(() -> destinations(b, referral).size() == 1);
    assertThat(destinations(b, referral)).containsExactly("camhs-spa");
    assertThat(b.get("/fhir/$route-files").body()).contains("\"schools-neurodevelopmental\"");
  }

  private static List<String> destinations(GatewayClient node, RoutingReferrals referral) {
    HttpResponse<String> preview = node.post("/fhir/$route-preview", referral.transaction());
    assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Parameters.class, preview.body())
        .getParameter()
        .stream()
        .filter(p -> p.getName().equals("destination"))
        .flatMap(p -> p.getPart().stream())
        .filter(part -> part.getName().equals("serviceId"))
        .map(part -> part.getValue().primitiveValue())
        .toList();
  }

  /** When each run of the watch on one node ended, from its log. */
  private static List<Instant> runs(Path log) throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return lines
          .map(RUN::matcher)
          .filter(Matcher::find)
          .map(m -> Instant.parse(m.group(1)))
          .toList();
    }
  }

  private static String periodLeaseHolder(EmptyPostgresDatabase database) throws SQLException {
    try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "");
        ResultSet rs =
            sql.createStatement()
                .executeQuery(
                    "select locked_by from GW_SHEDLOCK where name = 'transition-watch-period'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
