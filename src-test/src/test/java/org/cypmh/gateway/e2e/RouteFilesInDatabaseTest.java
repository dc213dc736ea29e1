package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cypmh.gateway.e2e.PartnerClients.get;
import static org.cypmh.gateway.e2e.PartnerClients.issue;
import static org.cypmh.gateway.e2e.PartnerClients.parse;
import static org.cypmh.gateway.e2e.PartnerClients.post;
import static org.cypmh.gateway.e2e.PartnerClients.send;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Route files kept in the database ({@code routes.files.source=database}), changed by the operator
 * over HTTPS with its own certificate: a version runs on this node as soon as it is saved, names
 * who saved it, and is refused whole (422, {@code file:line}) if it cannot run; a stale edit is
 * refused (409); a partner may neither change nor read them; a version saved by another node runs
 * here at the next poll.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteFilesInDatabaseTest {

  private static final Duration POLL = Duration.ofSeconds(30);

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;
  @Autowired DataSource dataSource;

  private PartnerClients partners;
  private HttpClient admin;
  private HttpClient partner;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    admin = partners.demo("demo-admin");
    partner = partners.partner("vcse-b", "8ZZ03");
  }

  @Test
  void theFolderWasImportedOnceAsVersionOne() {
    Parameters files = routeFiles();
    assertThat(files.getParameter("source").getValue().primitiveValue()).isEqualTo("database");
    Map<String, String> pathways = fileStatus("referral-pathways.yaml");
    assertThat(pathways)
        .containsEntry("state", "accepted")
        .containsEntry("stored.version", "1")
        .containsEntry("stored.changedBy", "gateway")
        .containsEntry("stored.deleted", "false");
    assertThat(pathways.get("stored.note")).startsWith("imported from ");
    assertThat(pathways.get("route")).contains("crisis");
  }

  @Test
  void theOperatorsVersionRunsAtOnceNamesWhoSavedItAndABrokenOneChangesNothing() {
    String name = "neuro-" + UUID.randomUUID().toString().substring(0, 8) + ".yaml";
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("neurodevelopmental").fromSchool("999002");
    assertThat(previewDestinations(referral)).isEmpty();

    HttpResponse<String> saved = upload(admin, name, neurodevelopmental(name), 0, "ND pathway");
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    Map<String, String> version = flat(parse(Parameters.class, saved).getParameter("file"));
    assertThat(version)
        .containsEntry("name", name)
        .containsEntry("version", "1")
        .containsEntry("changedBy", "demo-admin")
        .containsEntry("note", "ND pathway")
        .containsEntry("route", routeId(name));
    assertThat(previewDestinations(referral)).containsExactly("camhs-spa");

    // A broken version: refused with its line, nothing saved, the running routes unchanged.
    String broken = neurodevelopmental(name).replace("- filter:", "- filterr:");
    HttpResponse<String> refused = upload(admin, name, broken, 1, "typo");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(issue(refused).getDiagnostics()).startsWith(name + ":6: ");
    assertThat(history(name)).extracting(v -> v.get("version")).containsExactly("1");
    assertThat(previewDestinations(referral)).containsExactly("camhs-spa");

    // An edit started from version 0 after version 1 was saved: refused, not overwritten.
    HttpResponse<String> stale = upload(admin, name, neurodevelopmental(name), 0, "stale");
    assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
    assertThat(issue(stale).getDiagnostics()).contains("is at version 1, not 0");

    HttpResponse<String> deleted = operation(admin, "$route-file-delete", name, null, 1, "retired");
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(previewDestinations(referral)).isEmpty();
    List<Map<String, String>> history = history(name);
    assertThat(history).extracting(v -> v.get("version")).containsExactly("2", "1");
    assertThat(history.get(0))
        .containsEntry("deleted", "true")
        .containsEntry("changedBy", "demo-admin")
        .containsEntry("note", "retired");
    HttpResponse<String> again = operation(admin, "$route-file-delete", name, null, null, null);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(404);
  }

  @Test
  void aPartnerCanNeitherChangeNorReadTheRouteFiles() {
    String name = "partner-" + UUID.randomUUID().toString().substring(0, 8) + ".yaml";
    HttpResponse<String> upload = upload(partner, name, neurodevelopmental(name), 0, null);
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(403);
    assertThat(issue(upload).getCode()).isEqualTo(IssueType.FORBIDDEN);
    HttpResponse<String> read =
        send(partner, get(partners.https("/fhir/$route-file-history?name=referral-pathways.yaml")));
    assertThat(read.statusCode()).as(read.body()).isEqualTo(403);
    HttpResponse<String> notThere =
        send(admin, get(partners.https("/fhir/$route-file-history?name=" + name)));
    assertThat(notThere.statusCode()).as(notThere.body()).isEqualTo(404);
  }

  @Test
  void aFileNameThatIsNotAPlainYamlNameIsRefused() {
    HttpResponse<String> response =
        upload(admin, "../escape.yaml", neurodevelopmental("x"), 0, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(issue(response).getDiagnostics()).contains("'../escape.yaml'");
  }

  @Test
  void aVersionAnotherNodeSavedRunsHereAtTheNextPoll() {
    // Another node's save is a row in the shared table; this node finds it by polling.
    String name = "node-b-" + UUID.randomUUID().toString().substring(0, 8) + ".yaml";
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("neurodevelopmental").fromSchool("999002");
    insertVersion(name, 1, neurodevelopmental(name), "ops@node-b");

    await().atMost(POLL).until(() -> "1".equals(fileStatus(name).get("stored.version")));
    assertThat(fileStatus(name))
        .containsEntry("state", "accepted")
        .containsEntry("stored.changedBy", "ops@node-b");
    assertThat(previewDestinations(referral)).containsExactly("camhs-spa");

    insertVersion(name, 2, null, "ops@node-b");
    await().atMost(POLL).until(() -> "removed".equals(fileStatus(name).get("state")));
    assertThat(previewDestinations(referral)).isEmpty();
  }

  @Test
  void theReadmeCommandsWorkVerbatim() throws Exception {
    // The README's "Route files in the database" block, run as a reader would, with the demo
    // operator's certificate ($ADMIN as the README's credentials step defines it).
    String output =
        ReadmeCommands.runAsOperator(
            "### Route files in the database", security.pkiDir(), mutualTls.localPort());

    List<Map<String, String>> history = history("schools.yaml");
    assertThat(history).extracting(v -> v.get("version")).containsExactly("2", "1");
    assertThat(history.get(1))
        .containsEntry("changedBy", "demo-admin")
        .containsEntry("note", "school referrals to the SPA")
        .containsEntry("deleted", "false");
    assertThat(history.get(0)).containsEntry("deleted", "true");
    assertThat(output).contains("\"name\":\"route\"", "\"valueString\":\"schools\"");
  }

  private void insertVersion(String name, int version, String content, String who) {
    new JdbcTemplate(dataSource)
        .update(
            "insert into GW_ROUTE_FILE_VERSION (ID, FILE_NAME, VERSION, CONTENT, SHA256, DELETED,"
                + " CHANGED_BY, CHANGED_AT, CHANGE_NOTE) values (NEXT VALUE FOR"
                + " GW_ROUTE_FILE_SEQ, ?, ?, ?, null, ?, ?, ?, 'saved on node B')",
            name,
            version,
            content,
            content == null,
            who,
            Timestamp.from(Instant.now()));
  }

  private static String routeId(String fileName) {
    return "nd-" + fileName.replace(".yaml", "");
  }

  /** Neurodevelopmental referrals from schools to the single point of access. */
  private static String neurodevelopmental(String fileName) {
    return """
        - route:
            id: %s
            from:
              uri: gateway:referral
              steps:
                - filter:
                    simple: "${body.pathway} == 'neurodevelopmental' && ${body.referrerKind} == 'school'"
                    steps:
                      - to:
                          uri: gateway:deliver
                          parameters:
                            service: camhs-spa
        """
        .formatted(routeId(fileName));
  }

  private HttpResponse<String> upload(
      HttpClient client, String name, String content, Integer basedOn, String note) {
    return operation(client, "$route-file-upload", name, content, basedOn, note);
  }

  private HttpResponse<String> operation(
      HttpClient client,
      String operation,
      String name,
      String content,
      Integer basedOn,
      String note) {
    Parameters parameters = new Parameters();
    parameters.addParameter("name", new StringType(name));
    if (content != null) {
      parameters.addParameter("content", new StringType(content));
    }
    if (basedOn != null) {
      parameters.addParameter("basedOn", new IntegerType(basedOn));
    }
    if (note != null) {
      parameters.addParameter("note", new StringType(note));
    }
    return send(client, post(partners.https("/fhir/" + operation), parameters));
  }

  private List<Map<String, String>> history(String name) {
    HttpResponse<String> response =
        send(admin, get(partners.https("/fhir/$route-file-history?name=" + name)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parse(Parameters.class, response).getParameter().stream()
        .map(RouteFilesInDatabaseTest::flat)
        .toList();
  }

  private Parameters routeFiles() {
    HttpResponse<String> response = send(admin, get(partners.https("/fhir/$route-files")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parse(Parameters.class, response);
  }

  private Map<String, String> fileStatus(String name) {
    return routeFiles().getParameter().stream()
        .filter(p -> p.getName().equals("file"))
        .map(RouteFilesInDatabaseTest::flat)
        .filter(f -> name.equals(f.get("location")))
        .findFirst()
        .orElse(Map.of());
  }

  /** A parameter's parts by name (repeats joined with ", "), nested parts as {@code part.name}. */
  private static Map<String, String> flat(ParametersParameterComponent parameter) {
    Map<String, String> values = new LinkedHashMap<>();
    for (ParametersParameterComponent part : parameter.getPart()) {
      String value = part.hasValue() ? part.getValue().primitiveValue() : null;
      if (value != null) {
        values.merge(part.getName(), value, (a, b) -> a + ", " + b);
      } else if (part.hasPart()) {
        flat(part).forEach((key, nested) -> values.put(part.getName() + "." + key, nested));
      }
    }
    return values;
  }

  private List<String> previewDestinations(RoutingReferrals referral) {
    HttpResponse<String> response =
        send(admin, post(partners.https("/fhir/$route-preview"), referral.transaction()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parse(Parameters.class, response).getParameter().stream()
        .filter(p -> p.getName().equals("destination"))
        .map(p -> flat(p).get("serviceId"))
        .toList();
  }
}
