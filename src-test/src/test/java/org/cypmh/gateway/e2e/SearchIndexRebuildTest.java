package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cypmh.gateway.e2e.PartnerClients.get;
import static org.cypmh.gateway.e2e.PartnerClients.issue;
import static org.cypmh.gateway.e2e.PartnerClients.parse;
import static org.cypmh.gateway.e2e.PartnerClients.post;
import static org.cypmh.gateway.e2e.PartnerClients.send;

import ca.uhn.fhir.jpa.model.entity.EntityIndexStatusEnum;
import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hibernate.search.mapper.orm.Search;
import org.hibernate.search.mapper.orm.work.SearchWorkspace;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operator rebuilds the resources' text in the search index from the database ({@code
 * $search-reindex} of {@code ResourceTable}), as after connecting an empty OpenSearch or deleting
 * the Lucene folder: a Patient's words, no longer found once its document is gone from the index,
 * are found again by {@code _content} and {@code _text} after the README's commands, run verbatim
 * with the demo operator's certificate. A partner may not start or read a rebuild; an unknown type
 * is refused.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchIndexRebuildTest {

  private static final Duration REBUILD = Duration.ofMinutes(2);

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;
  @Autowired EntityManagerFactory entityManagerFactory;
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
  void theReadmeCommandsRebuildResourcesTextAfterTheIndexLostIt() throws Exception {
    String name = uniqueWord();
    String narrative = uniqueWord();
    String patient = createPatient(name, narrative);
    assertThat(patientIds("_content=" + name)).containsExactly(patient);
    assertThat(patientIds("_text=" + narrative)).containsExactly(patient);

    // The resources' documents gone, as in an empty OpenSearch or a deleted Lucene folder.
    SearchWorkspace resources =
        Search.mapping(entityManagerFactory).scope(ResourceTable.class).workspace();
    resources.purge();
    resources.refresh();
    assertThat(patientIds("_content=" + name)).isEmpty();
    assertThat(patientIds("_text=" + narrative)).isEmpty();

    long indexedInDatabase = indexedResourcesInDatabase();
    String output = runReadmeCommands();
    assertThat(output).contains("\"name\":\"types\"", "\"valueString\":\"ResourceTable\"");

    Parameters status =
        await()
            .atMost(REBUILD)
            .pollInterval(Duration.ofMillis(500))
            .until(this::rebuildStatus, p -> !"running".equals(value(p, "state")));
    assertThat(value(status, "state")).isEqualTo("finished");
    assertThat(value(status, "types")).isEqualTo("ResourceTable");
    assertThat(Long.parseLong(value(status, "total"))).isEqualTo(indexedInDatabase);
    assertThat(Long.parseLong(value(status, "indexed"))).isEqualTo(indexedInDatabase);
    assertThat(status.getParameter("failure")).isNull();
    assertThat(status.getParameters("indexedType"))
        .extracting(p -> p.getValue().primitiveValue())
        .containsExactly("ResourceTable", "TermConcept");
    assertThat(resourceDocuments()).isEqualTo(indexedInDatabase);

    assertThat(patientIds("_content=" + name)).containsExactly(patient);
    assertThat(patientIds("_text=" + narrative)).containsExactly(patient);
  }

  @Test
  void aPartnerMayNeitherStartNorReadARebuild() {
    HttpResponse<String> started =
        send(partner, post(partners.https("/fhir/$search-reindex"), typeParameter("TermConcept")));
    HttpResponse<String> status =
        send(partner, get(partners.https("/fhir/$search-reindex-status")));

    assertThat(started.statusCode()).isEqualTo(403);
    assertThat(issue(started).getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(status.statusCode()).isEqualTo(403);
    assertThat(issue(status).getCode()).isEqualTo(IssueType.FORBIDDEN);
  }

  @Test
  void anUnknownTypeIsRefusedNamingTheIndexedTypes() {
    HttpResponse<String> response =
        send(admin, post(partners.https("/fhir/$search-reindex"), typeParameter("Patient")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(issue(response).getDiagnostics())
        .isEqualTo("No indexed type Patient; the indexed types are [ResourceTable, TermConcept]");
  }

  /**
   * The README's "Rebuilding the text search index" block, run as a reader would, with the demo
   * operator's certificate ({@code $ADMIN} as the README's credentials step defines it).
   */
  private String runReadmeCommands() throws Exception {
    return ReadmeCommands.runAsOperator(
        "### Rebuilding the text search index", security.pkiDir(), mutualTls.localPort());
  }

  private String createPatient(String name, String narrative) {
    Patient patient = TestReferrals.youngPerson(NhsNumbers.next());
    patient.getNameFirstRep().setFamily(name);
    Narrative text = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
    text.setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">" + narrative + "</div>");
    patient.setText(text);
    HttpResponse<String> created = send(admin, post(partners.https("/fhir/Patient"), patient));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return parse(Patient.class, created).getIdElement().getIdPart();
  }

  private List<String> patientIds(String query) {
    HttpResponse<String> found = send(admin, get(partners.https("/fhir/Patient?" + query)));
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    return parse(Bundle.class, found).getEntry().stream()
        .map(e -> e.getResource().getIdElement().getIdPart())
        .toList();
  }

  private Parameters rebuildStatus() {
    HttpResponse<String> response =
        send(admin, get(partners.https("/fhir/$search-reindex-status")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parse(Parameters.class, response);
  }

  /** Resources HAPI put in the text index when it wrote them: not deleted, indexed in full. */
  private long indexedResourcesInDatabase() {
    return new JdbcTemplate(dataSource)
        .queryForObject(
            "select count(*) from HFJ_RESOURCE where RES_DELETED_AT is null"
                + " and SP_INDEX_STATUS = ?",
            Long.class,
            EntityIndexStatusEnum.INDEXED_ALL.ordinal());
  }

  private long resourceDocuments() {
    EntityManager entityManager = entityManagerFactory.createEntityManager();
    try {
      return Search.session(entityManager)
          .search(ResourceTable.class)
          .where(f -> f.matchAll())
          .fetchTotalHitCount();
    } finally {
      entityManager.close();
    }
  }

  private static String typeParameter(String type) {
    Parameters parameters = new Parameters();
    parameters.addParameter("type", type);
    return GatewayClient.FHIR.newJsonParser().encodeResourceToString(parameters);
  }

  private static String value(Parameters parameters, String name) {
    return parameters.getParameter(name).getValue().primitiveValue();
  }

  private static String uniqueWord() {
    return "zq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }
}
