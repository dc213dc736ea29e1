package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.cypmh.gateway.audit.AuditRetention;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.LinkedCaseInsensitiveMap;

/**
 * The audit trail on the running gateway: each kind of exchange leaves exactly the expected
 * records; the access report answers who received or viewed a young person's record; only auditors
 * read the trail; direct database tampering is caught and the record named; the trail exports as
 * NDJSON. Run on H2 ({@code AuditTrailOnH2Test}) and PostgreSQL ({@code AuditTrailOnPostgresTest}).
 */
abstract class AuditTrailBehaviour extends RoutingBehaviourSupport {

  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  @Autowired JdbcTemplate database;
  @Autowired AuditRetention retention;

  @Test
  void aRoutedReferralLeavesItsIntakeRoutingConsentAndDeliveryRecords() {
    Accepted accepted = acceptAndDeliver(referralToCamhs());
    String patient = patientOf(accepted);
    String referral = accepted.referral();

    List<AuditEvent> trail = awaitTrail(patient, 6);

    assertThat(trail)
        .extracting(AuditTrailBehaviour::kind)
        .containsExactlyInAnyOrder(
            // The test's own read of the referral (patientOf), as the gateway's operator.
            "rest read R 0 " + referral,
            "rest transaction C 0 Patient",
            "rest transaction C 0 " + referral,
            "routing-decision referral-accepted E 0 " + referral,
            "consent-decision routing E 0 " + referral,
            "110106 delivery-attempt R 0 " + referral);
    AuditEvent attempt = only(trail, "delivery-attempt");
    AuditEventAgentComponent recipient = recipientOf(attempt);
    assertThat(recipient.getWho().getIdentifier().getValue()).isEqualTo("camhs-spa");
    assertThat(recipient.getNetwork().getAddress()).endsWith("/camhs-spa/fhir");
    assertThat(attempt.getOutcomeDesc()).isEqualTo("attempt 1: HTTP 200");
    assertThat(detail(attempt, "consent-rule")).isEqualTo("implied-consent");
    assertThat(detail(only(trail, "routing"), "rule")).isEqualTo("implied-consent");
    assertThat(recipientOf(only(trail, "referral-accepted")).getWho().getDisplay())
        .isEqualTo("CAMHS single point of access (route single-point-of-access, consent permit)");
    AuditEvent intake =
        trail.stream()
            .filter(e -> kind(e).equals("rest transaction C 0 " + referral))
            .findFirst()
            .orElseThrow();
    assertThat(intake.getMeta().getProfile().get(0).getValue())
        .isEqualTo(
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientCreate");
  }

  @Test
  void everyDeliveryAttemptIsRecordedWithThePartnersAnswer() {
    RoutingReferrals referral = referralToCamhs();
    failThenRecover(referral, "/camhs-spa/fhir", 503, 1);
    try {
      Accepted accepted = acceptAndDeliver(referral);

      List<AuditEvent> attempts =
          awaitTrail(patientOf(accepted), 6).stream()
              .filter(e -> kind(e).contains("delivery-attempt"))
              .toList();

      assertThat(attempts)
          .extracting(e -> e.getOutcome().toCode() + " " + e.getOutcomeDesc())
          .containsExactly("0 attempt 2: HTTP 200", "8 attempt 1: HTTP 503");
    } finally {
      removeStubsFor(referral);
    }
  }

  @Test
  void aBarsMessageLeavesTheRecordsOfWhatItStoredInItsTransaction() {
    String requestId = UUID.randomUUID().toString();
    Bundle message =
        TestMessages.referral(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Low mood"), "new");

    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/fhir/$process-message")
                .header("Content-Type", "application/fhir+json")
                .header("X-Request-Id", requestId)
                .header("X-Correlation-Id", "audit-" + requestId)
                .header("NHSD-Requesting-Software", TestMessages.requestingSoftware())
                .header("NHSD-End-User-Organisation", TestMessages.endUserOrganisation("8HV48"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        GatewayClient.FHIR.newJsonParser().encodeResourceToString(message))));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ServiceRequest stored =
        only(
            GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body()),
            ServiceRequest.class);
    String referral = "ServiceRequest/" + stored.getIdElement().getIdPart();
    assertThat(
            search("patient=" + stored.getSubject().getReference()).stream()
                .map(AuditTrailBehaviour::kind)
                .filter(k -> k.startsWith("rest "))
                .toList())
        .containsExactlyInAnyOrder(
            "rest extended-operation-server C 0 Patient",
            "rest extended-operation-server C 0 " + referral);
  }

  @Test
  void aRejectedReferralIsRecordedWithItsStatus() {
    String requestId = UUID.randomUUID().toString();
    ServiceRequest incomplete = new ServiceRequest();
    incomplete.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);

    HttpResponse<String> response =
        gateway.send(
            gateway
                .request("/fhir/ServiceRequest")
                .header("Content-Type", "application/fhir+json")
                .header("X-Request-ID", requestId)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        GatewayClient.FHIR.newJsonParser().encodeResourceToString(incomplete))));

    assertThat(response.statusCode()).isIn(400, 422);
    List<AuditEvent> records = search("request-id=" + requestId);
    assertThat(records).extracting(AuditTrailBehaviour::kind).containsExactly("rest create C 4");
    assertThat(records.get(0).getOutcomeDesc()).startsWith("HTTP " + response.statusCode() + ": ");
  }

  @Test
  void aRequestRefusedBeforeTheFhirServerIsStillRecorded() {
    Instant before = Instant.now().minusSeconds(1);
    HttpResponse<String> response =
        gateway.post("/fhir/ServiceRequest", "application/fhir+json", "x".repeat(6 * 1024 * 1024));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(search("type=rest&outcome=4&date=ge" + before))
        .extracting(AuditEvent::getOutcomeDesc)
        .contains("HTTP 413: POST /fhir/ServiceRequest refused before the FHIR server");
  }

  @Test
  void theAccessReportListsEveryDeliveryAndEveryPartnerRead() {
    Accepted accepted = acceptAndDeliver(referralToCamhs().registeredWith(GP_ODS));
    String patient = patientOf(accepted);
    assertThat(gpGet("/fhir/" + accepted.referral()).statusCode()).isEqualTo(200);

    List<Map<String, String>> report = accessReport(patient);

    assertThat(report)
        .extracting(a -> a.get("how") + " " + a.get("whoIdentifier") + " " + a.get("what"))
        .containsExactly(
            "viewed Y99901 " + accepted.referral(),
            "viewed operator " + accepted.referral(),
            "received camhs-spa " + accepted.referral());
    assertThat(report.get(0).get("who")).isEqualTo("organisation Y99901");
    assertThat(report.get(0).get("why")).startsWith("direct care; consent rule implied-consent");
    assertThat(report.get(1).get("why"))
        .isEqualTo("gateway operator access (not consent-filtered)");
    assertThat(report.get(2).get("address")).endsWith("/camhs-spa/fhir");
  }

  @Test
  void aGpReadRefusedByConsentShowsAsADecisionAndNotAsAView() {
    StoredPlan denied = storePlan(true);
    gpSearch(
        "/fhir/CarePlan?subject:identifier=https://fhir.nhs.uk/Id/nhs-number|"
            + denied.nhsNumber());

    List<AuditEvent> decisions =
        search("patient=" + denied.patient() + "&type=consent-decision&subtype=read");
    assertThat(decisions)
        .extracting(AuditTrailBehaviour::kind)
        .containsExactly("consent-decision read E 4");
    assertThat(detail(decisions.get(0), "rule")).isEqualTo("consent-deny");
    // The GP's records about the young person: the refused read, and no view. (A GP subscribed to
    // care plans by another test is asked about the plan too: the young person is registered.)
    assertThat(search("agent:identifier=" + ODS + "|Y99901&patient=" + denied.patient()))
        .extracting(AuditTrailBehaviour::kind)
        .contains("consent-decision read E 4")
        .noneMatch(kind -> kind.startsWith("rest "));
    assertThat(accessReport(denied.patient()))
        .extracting(a -> a.get("how"))
        .doesNotContain("viewed");
  }

  @Test
  void onlyTheAuditorReadsTheTrailAndARefusedAttemptIsRecorded() {
    String requestId = UUID.randomUUID().toString();
    HttpResponse<String> partner =
        gateway.send(
            gateway
                .request("/fhir/AuditEvent?_count=1")
                .header("Accept", "application/fhir+json")
                .header("NHSD-End-User-Organisation-ODS", GP_ODS)
                .header("X-Request-ID", requestId)
                .GET());

    assertThat(partner.statusCode()).isEqualTo(403);
    assertThat(search("request-id=" + requestId))
        .extracting(AuditTrailBehaviour::kind)
        .containsExactly("rest search-type R 4");
    assertThat(gateway.get("/fhir/AuditEvent?_count=1").statusCode()).isEqualTo(200);
  }

  @Test
  void anEditedADeletedAndAnInsertedRecordAreEachCaughtAndNamed() {
    acceptAndDeliver(referralToCamhs());
    assertThat(verify(true).get("intact")).isEqualTo("true");
    Map<String, Object> sealed =
        database.queryForMap(
            "select * from GW_AUDIT_RECORD where SEAL_NO is not null order by RECORDED desc"
                + " fetch first 1 rows only");
    String id = (String) sealed.get("ID");

    database.update("update GW_AUDIT_RECORD set OUTCOME = '8' where ID = ?", id);
    try {
      assertThat(problems()).containsExactly("edited AuditEvent/" + id);
    } finally {
      database.update(
          "update GW_AUDIT_RECORD set OUTCOME = ? where ID = ?", sealed.get("OUTCOME"), id);
    }

    database.update("delete from GW_AUDIT_RECORD where ID = ?", id);
    try {
      assertThat(problems()).containsExactly("deleted AuditEvent/" + id);
    } finally {
      insert(sealed);
    }

    // Column names come back in the database's case: keep the map case-insensitive.
    Map<String, Object> forged = new LinkedCaseInsensitiveMap<>();
    forged.putAll(sealed);
    String forgedId = UUID.randomUUID().toString();
    forged.put("ID", forgedId);
    forged.put("SEAL_NO", null);
    insert(forged);
    try {
      assertThat(problems()).containsExactly("inserted AuditEvent/" + forgedId);
    } finally {
      database.update("delete from GW_AUDIT_RECORD where ID = ?", forgedId);
    }
    assertThat(verify(false).get("intact")).isEqualTo("true");
  }

  @Test
  void retentionRemovesWholeSealsKeepsTheirHeadersAndTheChainStillVerifies() {
    acceptAndDeliver(referralToCamhs());
    assertThat(verify(true).get("intact")).isEqualTo("true");
    Instant cutoff = Instant.now();
    Long lastSealBefore =
        database.queryForObject(
            "select max(SEAL_NO) from GW_AUDIT_SEAL where LAST_RECORDED < ?",
            Long.class,
            java.sql.Timestamp.from(cutoff));

    int purged = retention.purgeSealedBefore(cutoff);

    assertThat(purged).isPositive();
    assertThat(
            database.queryForObject(
                "select count(*) from GW_AUDIT_RECORD where SEAL_NO <= ?",
                Long.class,
                lastSealBefore))
        .isZero();
    assertThat(
            database.queryForObject(
                "select count(*) from GW_AUDIT_SEAL where SEAL_NO <= ? and PURGED_AT is null",
                Long.class,
                lastSealBefore))
        .isZero();
    assertThat(search("type=audit-retention&date=ge" + cutoff.minusSeconds(1)))
        .extracting(AuditEvent::getOutcomeDesc)
        .anyMatch(d -> d.contains(" record(s) of seals 1 to "));
    Map<String, String> verified = verify(true);
    assertThat(verified.get("intact")).isEqualTo("true");
    assertThat(Long.parseLong(verified.get("sealsChecked"))).isGreaterThan(lastSealBefore);
  }

  @Test
  void theTrailStreamsOutAsNdjsonForASiem() {
    Instant since = Instant.now().minusSeconds(1);
    Accepted accepted = acceptAndDeliver(referralToCamhs());
    List<String> ofPatient =
        awaitTrail(patientOf(accepted), 6).stream().map(e -> e.getIdElement().getIdPart()).toList();

    HttpResponse<String> export = gateway.get("/fhir/$audit-export?_since=" + since);

    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/fhir+ndjson");
    List<AuditEvent> lines =
        export
            .body()
            .lines()
            .map(l -> GatewayClient.FHIR.newJsonParser().parseResource(AuditEvent.class, l))
            .toList();
    assertThat(lines).extracting(e -> e.getIdElement().getIdPart()).containsAll(ofPatient);
    assertThat(lines)
        .extracting(e -> e.getRecorded().toInstant())
        .isSorted()
        .allMatch(t -> !t.isBefore(since));
  }

  private static RoutingReferrals referralToCamhs() {
    return RoutingReferrals.referral().aged(17).fromGp("B86001").reason("35489007");
  }

  private Accepted acceptAndDeliver(RoutingReferrals referral) {
    Accepted accepted = accept(referral);
    await().atMost(DELIVERY).until(() -> taskOf(accepted).getStatus() == Task.TaskStatus.RECEIVED);
    return accepted;
  }

  /** The young person's records, once there are at least {@code expected}; oldest last. */
  private List<AuditEvent> awaitTrail(String patient, int expected) {
    await().atMost(DELIVERY).until(() -> search("patient=" + patient).size() >= expected);
    return search("patient=" + patient);
  }

  private List<AuditEvent> search(String query) {
    HttpResponse<String> response =
        gateway.get("/fhir/AuditEvent?_count=200&" + query.replace("|", "%7C").replace("+", "%2B"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Bundle.class, response.body())
        .getEntry()
        .stream()
        .map(e -> (AuditEvent) e.getResource())
        .toList();
  }

  private List<Map<String, String>> accessReport(String patient) {
    return parameters("/fhir/" + patient + "/$access-report").getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .toList();
  }

  private Map<String, String> verify(boolean sealFirst) {
    return flatParameters(parameters("/fhir/$audit-verify?seal=" + sealFirst));
  }

  /** Each problem $audit-verify reports, as "kind record". */
  private List<String> problems() {
    Parameters result = parameters("/fhir/$audit-verify");
    return result.getParameter().stream()
        .filter(p -> p.getName().equals("problem"))
        .map(RoutingBehaviourSupport::flat)
        .map(p -> p.get("kind") + " " + p.get("record"))
        .toList();
  }

  private static Map<String, String> flatParameters(Parameters parameters) {
    return parameters.getParameter().stream()
        .filter(p -> p.getValue() != null)
        .collect(
            Collectors.toMap(p -> p.getName(), p -> p.getValue().primitiveValue(), (a, b) -> a));
  }

  private void insert(Map<String, Object> row) {
    String columns = String.join(", ", row.keySet());
    String marks = row.keySet().stream().map(k -> "?").collect(Collectors.joining(", "));
    database.update(
        "insert into GW_AUDIT_RECORD (" + columns + ") values (" + marks + ")",
        row.values().toArray());
  }

  /** "type subtype action outcome" and the first data entity, e.g. its ServiceRequest. */
  static String kind(AuditEvent event) {
    String data =
        event.getEntity().stream()
            .filter(e -> "4".equals(e.getRole().getCode()))
            .map(e -> e.getWhat().getReference().replaceAll("/_history/.*$", ""))
            .map(r -> r.startsWith("Patient/") ? "Patient" : r)
            .findFirst()
            .map(r -> " " + r)
            .orElse("");
    return event.getType().getCode()
        + " "
        + event.getSubtype().stream().map(Coding::getCode).findFirst().orElse("-")
        + " "
        + event.getAction().toCode()
        + " "
        + event.getOutcome().toCode()
        + data;
  }

  private static AuditEvent only(List<AuditEvent> trail, String subtype) {
    List<AuditEvent> found =
        trail.stream().filter(e -> e.getSubtypeFirstRep().getCode().equals(subtype)).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  private static AuditEventAgentComponent recipientOf(AuditEvent event) {
    return event.getAgent().stream().filter(a -> !a.getRequestor()).findFirst().orElseThrow();
  }

  private static String detail(AuditEvent event, String name) {
    return event.getEntity().stream()
        .flatMap(e -> e.getDetail().stream())
        .filter(d -> d.getType().equals(name))
        .map(d -> d.getValue().primitiveValue())
        .findFirst()
        .orElse(null);
  }
}
