package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.model.entity.EntityIndexStatusEnum;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two gateway nodes (separate processes, {@code postgres,cluster} profiles, one PostgreSQL
 * database) share one text search index on a real OpenSearch node run by the test: what node A
 * writes, node B finds with {@code _content}, {@code _text} and {@code $expand?filter=}, with the
 * same answer as A (a node's own Lucene index would not hold it). The operator's {@code
 * $search-reindex} rebuilds the index and its status reaches {@code finished} with the exact count;
 * resources rebuilt on one node are found by their text on both.
 */
@Tag("multi-node")
class SharedSearchIndexTest {

  private static EmptyPostgresDatabase database;
  private static OpenSearchProcess openSearch;
  private static GatewayProcess nodeA;
  private static GatewayProcess nodeB;
  private static GatewayClient a;
  private static GatewayClient b;

  @BeforeAll
  static void startOpenSearchAndTwoNodes() throws Exception {
    database = EmptyPostgresDatabase.create();
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shared-search-");
    openSearch = OpenSearchProcess.start(root.resolve("opensearch"));
    String[] settings =
        Arrays.stream(
                PartnerNetwork.onPostgres(
                    database.jdbcUrl(),
                    database.user(),
                    root,
                    "GATEWAY_SEARCH_HOSTS=" + openSearch.hosts(),
                    "GATEWAY_SEARCH_PROTOCOL=http"))
            .map(s -> s.equals("spring.profiles.active=postgres") ? s + ",cluster" : s)
            .toArray(String[]::new);
    // The first node creates the schema and the indexes; the second joins them.
    nodeA = GatewayProcess.start(root.resolve("a"), root.resolve("a.log"), settings);
    nodeB = GatewayProcess.start(root.resolve("b"), root.resolve("b.log"), settings);
    a = new GatewayClient(nodeA.port());
    b = new GatewayClient(nodeB.port());
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (nodeB != null) {
        nodeB.close();
      }
      if (nodeA != null) {
        nodeA.close();
      }
    } finally {
      if (openSearch != null) {
        openSearch.close();
      }
    }
  }

  @Test
  void textSearchOnOneNodeFindsWhatTheOtherWrote() {
    String word = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String first = createPatient(a, word);
    String second = createPatient(a, word);
    createPatient(a, "unrelated" + word.substring(2));

    for (GatewayClient node : List.of(a, b)) {
      assertThat(patientIds(node, "_content=" + word)).containsExactlyInAnyOrder(first, second);
      assertThat(patientIds(node, "_text=" + word)).containsExactlyInAnyOrder(first, second);
    }
  }

  @Test
  void filteredExpansionAnswersTheSameOnBothNodes() {
    String system = "https://cypmh-gateway.org/test/CodeSystem/" + UUID.randomUUID();
    CodeSystem codes =
        new CodeSystem()
            .setUrl(system)
            .setStatus(PublicationStatus.ACTIVE)
            .setContent(CodeSystem.CodeSystemContentMode.COMPLETE);
    codes.addConcept().setCode("K1").setDisplay("Kestrel nest survey");
    codes.addConcept().setCode("K2").setDisplay("Kestrel ringing");
    codes.addConcept().setCode("O1").setDisplay("Osprey nest survey");
    assertThat(a.post("/fhir/CodeSystem", codes).statusCode()).isEqualTo(201);
    ValueSet birds = new ValueSet().setUrl(system + "/vs").setStatus(PublicationStatus.ACTIVE);
    birds.getCompose().addInclude().setSystem(system);
    assertThat(a.post("/fhir/ValueSet", birds).statusCode()).isEqualTo(201);

    String expand =
        "/fhir/ValueSet/$expand?url=" + URLEncoder.encode(system + "/vs", StandardCharsets.UTF_8);
    List<String> kestrel = expandedCodes(a, expand + "&filter=kestrel");
    List<String> nest = expandedCodes(a, expand + "&filter=nest");
    assertThat(kestrel).containsExactlyInAnyOrder("K1", "K2");
    assertThat(nest).containsExactlyInAnyOrder("K1", "O1");
    // The other node answers the same, in the same order.
    assertThat(expandedCodes(b, expand + "&filter=kestrel")).isEqualTo(kestrel);
    assertThat(expandedCodes(b, expand + "&filter=nest")).isEqualTo(nest);
  }

  @Test
  void reindexOfOneTypeFinishesWithTheExactCount() throws Exception {
    long concepts = count("select count(*) from TRM_CONCEPT");

    Parameters status = rebuildOnB("TermConcept");

    assertThat(status.getParameter("types").getValue().primitiveValue()).isEqualTo("TermConcept");
    assertThat(Long.parseLong(status.getParameter("total").getValue().primitiveValue()))
        .isEqualTo(concepts);
    assertThat(Long.parseLong(status.getParameter("indexed").getValue().primitiveValue()))
        .isEqualTo(concepts);
    assertThat(status.getParameter("finished")).isNotNull();
    // The other node did not run it: each node reports only its own runs.
    assertThat(a.get("/fhir/$search-reindex-status").statusCode()).isEqualTo(404);
  }

  /**
   * Resources rebuilt on B, in the shared index: the rebuild drops their documents first, so a
   * Patient A wrote is found by its text on both nodes only through the document B wrote again.
   */
  @Test
  void resourcesRebuiltOnOneNodeAreFoundByTheirTextOnBoth() throws Exception {
    String word = "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    String patient = createPatient(a, word);
    long indexedResources =
        count(
            "select count(*) from HFJ_RESOURCE where RES_DELETED_AT is null and SP_INDEX_STATUS = "
                + EntityIndexStatusEnum.INDEXED_ALL.ordinal());

    Parameters status = rebuildOnB("ResourceTable");

    assertThat(status.getParameter("types").getValue().primitiveValue()).isEqualTo("ResourceTable");
    assertThat(Long.parseLong(status.getParameter("total").getValue().primitiveValue()))
        .isEqualTo(indexedResources);
    assertThat(Long.parseLong(status.getParameter("indexed").getValue().primitiveValue()))
        .isEqualTo(indexedResources);
    for (GatewayClient node : List.of(a, b)) {
      assertThat(patientIds(node, "_content=" + word)).containsExactly(patient);
      assertThat(patientIds(node, "_text=" + word)).containsExactly(patient);
    }
  }

  /** Starts a rebuild of {@code type} on node B and waits until it finished. */
  private static Parameters rebuildOnB(String type) {
    HttpResponse<String> started =
        b.post("/fhir/$search-reindex", "application/fhir+json", parameters(type));
    assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
    Parameters status =
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> parse(Parameters.class, b.get("/fhir/$search-reindex-status")),
                p -> !"running".equals(p.getParameter("state").getValue().primitiveValue()));
    assertThat(status.getParameter("state").getValue().primitiveValue()).isEqualTo("finished");
    return status;
  }

  private static String createPatient(GatewayClient node, String word) {
    Patient patient = TestReferrals.youngPerson(NhsNumbers.next());
    patient.getNameFirstRep().setFamily(word);
    Narrative text = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
    text.setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + word + "</div>");
    patient.setText(text);
    HttpResponse<String> created = node.post("/fhir/Patient", patient);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return parse(Patient.class, created).getIdElement().getIdPart();
  }

  private static Set<String> patientIds(GatewayClient node, String query) {
    HttpResponse<String> found = node.get("/fhir/Patient?" + query);
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    return parse(Bundle.class, found).getEntry().stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .collect(Collectors.toSet());
  }

  private static List<String> expandedCodes(GatewayClient node, String path) {
    HttpResponse<String> expanded = node.get(path);
    assertThat(expanded.statusCode()).as(expanded.body()).isEqualTo(200);
    return parse(ValueSet.class, expanded).getExpansion().getContains().stream()
        .map(ValueSet.ValueSetExpansionContainsComponent::getCode)
        .sorted()
        .toList();
  }

  private static String parameters(String type) {
    Parameters parameters = new Parameters();
    parameters.addParameter("type", type);
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(parameters);
  }

  private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(
      Class<T> type, HttpResponse<String> response) {
    return GatewayClient.FHIR.newJsonParser().parseResource(type, response.body());
  }

  private static long count(String query) throws Exception {
    try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "");
        ResultSet result = sql.createStatement().executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }
}
