package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Least privilege between partners, over HTTPS with real client certificates: a GP practice reads
 * only what is about young people registered with it; a crisis service may break glass to read a
 * young person's records, for a limited time, audited and reviewed; nobody else may break glass.
 * The operator ({@code demo-admin}) sets up the data and reviews.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CareRelationshipReadsTest {

  private static final String GP_ODS = "Y99901";
  private static final String REASON = "CYPMH-Break-Glass-Reason";
  private static final String JUSTIFICATION = "CYPMH-Break-Glass-Justification";
  private static final Duration RECORDED = Duration.ofSeconds(15);

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private HttpClient gp;
  private HttpClient camhs;
  private HttpClient vcseB;
  private HttpClient admin;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    gp = partners.demo("demo-gp");
    admin = partners.demo("demo-admin");
    camhs = partners.partner("camhs", "RZZ");
    vcseB = partners.partner("vcse-b", "8ZZ03");
  }

  // --- GP practices read only their registered patients ---

  @Test
  void theYoungPersonsGpPullsTheirTransitionPlanByNhsNumber() {
    Stored stored = storePlan(odsReference(GP_ODS));

    Bundle found = gpPull(stored);

    assertThat(ids(found)).containsExactly(stored.plan());
    assertThat(send(gp, PartnerClients.get(partners.https("/fhir/" + stored.plan()))).statusCode())
        .isEqualTo(200);
  }

  @Test
  void aGpNamedThroughAPractitionerRoleOfThePracticeIsTheirGp() {
    PractitionerRole role = new PractitionerRole();
    role.setOrganization(new Reference("Organization/riverside-surgery"));
    String roleId = create(role);
    Stored stored = storePlan(new Reference(roleId));

    assertThat(ids(gpPull(stored))).containsExactly(stored.plan());
  }

  @Test
  void aGpGetsNothingAboutAYoungPersonRegisteredElsewhereAndTheRefusalIsRecorded() {
    Stored stored = storePlan(odsReference("B86001"));

    assertThat(gpPull(stored).getEntry()).isEmpty();
    HttpResponse<String> read =
        send(gp, PartnerClients.get(partners.https("/fhir/" + stored.plan())));
    assertThat(read.statusCode()).isEqualTo(404);
    assertThat(read.body()).doesNotContain("Transition").doesNotContain(stored.nhsNumber());

    await()
        .atMost(RECORDED)
        .untilAsserted(
            () ->
                assertThat(decisions(stored.patient()))
                    .extracting(
                        d -> d.get("context") + " " + d.get("rule") + " " + d.get("outcome"))
                    .containsOnly("read not-registered-with-practice DENY"));
    List<AuditEvent> audited =
        audit("patient=" + stored.patient() + "&type=consent-decision&subtype=read");
    assertThat(audited).isNotEmpty();
    assertThat(audited)
        .allSatisfy(
            e -> {
              assertThat(detail(e, "rule")).isEqualTo("not-registered-with-practice");
              assertThat(e.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
              assertThat(e.getOutcomeDesc())
                  .isEqualTo(
                      "deny: not shared: Riverside Surgery (GP practice, demo entry) is a GP"
                          + " practice and the young person is not registered with it");
            });
  }

  @Test
  void aGpGetsNothingAboutAYoungPersonWithNoGpRecorded() {
    Stored stored = storePlan(null);

    assertThat(gpPull(stored).getEntry()).isEmpty();
    assertThat(send(gp, PartnerClients.get(partners.https("/fhir/" + stored.plan()))).statusCode())
        .isEqualTo(404);
  }

  // --- Break-glass reads ---

  @Test
  void aCrisisServiceBreaksGlassToReadAYoungPersonWhoDeniedItAndTheUseIsReviewed() {
    Stored stored = storePlan(null);
    denySharingWith(stored.patient(), "RZZ");
    String search = byNhsNumber(stored);

    // Without break-glass: nothing.
    assertThat(PartnerClients.bundle(send(camhs, PartnerClients.get(search))).getEntry()).isEmpty();
    assertThat(
            send(camhs, PartnerClients.get(partners.https("/fhir/" + stored.plan()))).statusCode())
        .isEqualTo(404);

    // With a configured reason: the plan.
    HttpResponse<String> broken =
        send(
            camhs,
            PartnerClients.get(search)
                .header(REASON, "safeguarding")
                .header(JUSTIFICATION, "seen at A&E after an overdose"));
    assertThat(broken.statusCode()).isEqualTo(200);
    assertThat(ids(PartnerClients.bundle(broken))).containsExactly(stored.plan());

    // The use waits for review, with what the reviewer needs.
    Map<String, String> use =
        await().atMost(RECORDED).until(() -> awaitingReview(stored.patient()), Objects::nonNull);
    assertThat(use)
        .containsEntry("odsCode", "RZZ")
        .containsEntry("reason", "safeguarding")
        .containsEntry("justification", "seen at A&E after an overdose");

    // It is audited: the use, and the read it decided, with the break-glass detail.
    List<AuditEvent> uses = audit("patient=" + stored.patient() + "&type=break-glass&subtype=read");
    assertThat(uses).hasSize(1);
    assertThat(detail(uses.get(0), "break-glass")).isEqualTo("safeguarding");
    assertThat(detail(uses.get(0), "use")).isEqualTo(use.get("id"));
    assertThat(uses.get(0).getOutcomeDesc()).doesNotContain("overdose");
    List<AuditEvent> reads =
        audit("patient=" + stored.patient() + "&type=consent-decision&subtype=read");
    assertThat(reads)
        .filteredOn(e -> "break-glass".equals(detail(e, "rule")))
        .isNotEmpty()
        .allSatisfy(e -> assertThat(detail(e, "break-glass")).isEqualTo("safeguarding"));
    assertThat(reads).noneSatisfy(e -> assertThat(e.getOutcomeDesc()).contains("overdose"));

    // For its validity the grant covers that partner and that young person without the header.
    assertThat(ids(PartnerClients.bundle(send(camhs, PartnerClients.get(search)))))
        .containsExactly(stored.plan());
    assertThat(
            send(camhs, PartnerClients.get(partners.https("/fhir/" + stored.plan()))).statusCode())
        .isEqualTo(200);
    // ...and no other partner.
    assertThat(PartnerClients.bundle(send(vcseB, PartnerClients.get(search))).getEntry()).isEmpty();

    // Signed off by a named reviewer: gone from the queue, and on the audit trail.
    HttpResponse<String> signedOff =
        send(
            admin,
            PartnerClients.post(
                partners.https("/fhir/$break-glass-sign-off"),
                signOff(use.get("id"), "Dr Ada Reviewer")));
    assertThat(signedOff.statusCode()).as(signedOff.body()).isEqualTo(200);
    assertThat(
            RoutingBehaviourSupport.flat(
                PartnerClients.parse(Parameters.class, signedOff).getParameterFirstRep()))
        .containsEntry("id", use.get("id"))
        .containsEntry("reviewer", "Dr Ada Reviewer")
        .containsEntry("note", "Appropriate: safeguarding referral made");
    assertThat(awaitingReview(stored.patient())).isNull();
    List<AuditEvent> signOffs =
        audit("patient=" + stored.patient() + "&type=break-glass&subtype=sign-off");
    assertThat(signOffs).hasSize(1);
    assertThat(detail(signOffs.get(0), "reviewer")).isEqualTo("Dr Ada Reviewer");
    assertThat(detail(signOffs.get(0), "use")).isEqualTo(use.get("id"));

    // A use is signed off once.
    HttpResponse<String> again =
        send(
            admin,
            PartnerClients.post(
                partners.https("/fhir/$break-glass-sign-off"),
                signOff(use.get("id"), "Someone Else")));
    assertThat(again.statusCode()).isEqualTo(409);
  }

  @Test
  void aSignOffNeedsANamedReviewer() {
    Parameters body = signOff("1", null);

    HttpResponse<String> response =
        send(admin, PartnerClients.post(partners.https("/fhir/$break-glass-sign-off"), body));

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void partnersCannotSeeOrSignOffTheReviewQueue() {
    assertThat(
            send(camhs, PartnerClients.get(partners.https("/fhir/$break-glass-reviews")))
                .statusCode())
        .isEqualTo(403);
    assertThat(
            send(
                    camhs,
                    PartnerClients.post(
                        partners.https("/fhir/$break-glass-sign-off"), signOff("1", "Me")))
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void aPartnerWithoutACrisisOrSafeguardingServiceCannotBreakGlassAndTheAttemptIsRecorded() {
    Stored stored = storePlan(null);
    String requestId = UUID.randomUUID().toString();

    HttpResponse<String> response =
        send(
            vcseB,
            PartnerClients.get(byNhsNumber(stored))
                .header(REASON, "safeguarding")
                .header("X-Request-ID", requestId));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(PartnerClients.issue(response).getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(PartnerClients.issue(response).getDiagnostics())
        .isEqualTo(
            "Break-glass refused: Demo Mental Health Support Team provider (demo data) is not a"
                + " crisis or safeguarding service. Nothing was read.");
    assertThat(response.body()).doesNotContain(stored.nhsNumber());
    List<AuditEvent> refused =
        await()
            .atMost(RECORDED)
            .until(
                () -> audit("request-id=" + requestId + "&type=consent-decision"),
                l -> !l.isEmpty());
    assertThat(refused).hasSize(1);
    assertThat(detail(refused.get(0), "rule")).isEqualTo("break-glass-refused");
    assertThat(refused.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
    assertThat(refused.get(0).getOutcomeDesc())
        .isEqualTo(
            "deny: break-glass read refused: Demo Mental Health Support Team provider (demo data)"
                + " is not a crisis or safeguarding service");
  }

  @Test
  void breakGlassWithAReasonNotConfiguredOrWithoutAReasonIs403() {
    Stored stored = storePlan(null);
    denySharingWith(stored.patient(), "RZZ");

    HttpResponse<String> unknown =
        send(camhs, PartnerClients.get(byNhsNumber(stored)).header(REASON, "curiosity"));
    HttpResponse<String> none =
        send(camhs, PartnerClients.get(byNhsNumber(stored)).header(JUSTIFICATION, "it is urgent"));

    assertThat(unknown.statusCode()).isEqualTo(403);
    assertThat(PartnerClients.issue(unknown).getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(PartnerClients.issue(unknown).getDiagnostics())
        .isEqualTo(
            "Break-glass refused: 'curiosity' is not an accepted break-glass reason. Nothing was"
                + " read.");
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(PartnerClients.issue(none).getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(PartnerClients.issue(none).getDiagnostics())
        .isEqualTo(
            "Break-glass refused: a break-glass reason is required (one of: safeguarding,"
                + " vital-interests). Nothing was read.");
    assertThat(awaitingReview(stored.patient())).isNull();
  }

  // --- helpers ---

  private record Stored(String patient, String nhsNumber, String plan) {}

  /** A young person of 17 with a transition plan, registered with the GP named (none if null). */
  private Stored storePlan(Reference gpReference) {
    String nhsNumber = NhsNumbers.next();
    Patient patient = RoutingReferrals.referral().aged(17).patient(nhsNumber);
    if (gpReference != null) {
      patient.addGeneralPractitioner(gpReference);
    }
    String patientId = create(patient);
    String plan = create(RoutingBehaviourSupport.transitionPlan(patientId));
    return new Stored(patientId, nhsNumber, plan);
  }

  private void denySharingWith(String patient, String ods) {
    Consent deny =
        ConsentFixtures.consent(ConsentProvisionType.DENY, ConsentFixtures.actorOds(ods));
    deny.setPatient(new Reference(patient));
    deny.addPerformer(new Reference(patient));
    create(deny);
  }

  private String create(Resource resource) {
    HttpResponse<String> response =
        send(admin, PartnerClients.post(partners.https("/fhir/" + resource.fhirType()), resource));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return new IdType(response.headers().firstValue("Location").orElseThrow())
        .toUnqualifiedVersionless()
        .getValue();
  }

  private static Reference odsReference(String ods) {
    return ConsentFixtures.actorOds(ods).setDisplay("GP practice");
  }

  private String byNhsNumber(Stored stored) {
    return partners.https(
        "/fhir/CarePlan?subject:identifier=https://fhir.nhs.uk/Id/nhs-number%7C"
            + stored.nhsNumber());
  }

  private Bundle gpPull(Stored stored) {
    HttpResponse<String> response = send(gp, PartnerClients.get(byNhsNumber(stored)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.bundle(response);
  }

  private static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .toList();
  }

  private List<Map<String, String>> decisions(String patient) {
    return operatorParameters("/fhir/" + patient + "/$consent-decisions").getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .toList();
  }

  /** The use of break-glass for this young person awaiting sign-off, or null if none. */
  private Map<String, String> awaitingReview(String patient) {
    return operatorParameters("/fhir/$break-glass-reviews").getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .filter(u -> patient.equals(u.get("patient")))
        .findFirst()
        .orElse(null);
  }

  private Parameters operatorParameters(String path) {
    HttpResponse<String> response = send(admin, PartnerClients.get(partners.https(path)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.parse(Parameters.class, response);
  }

  private static Parameters signOff(String use, String reviewer) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("use").setValue(new StringType(use));
    if (reviewer != null) {
      parameters.addParameter().setName("reviewer").setValue(new StringType(reviewer));
    }
    parameters
        .addParameter()
        .setName("note")
        .setValue(new StringType("Appropriate: safeguarding referral made"));
    return parameters;
  }

  private List<AuditEvent> audit(String query) {
    HttpResponse<String> response =
        send(
            admin,
            PartnerClients.get(
                partners.https("/fhir/AuditEvent?_count=200&" + query.replace("|", "%7C"))));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.bundle(response).getEntry().stream()
        .map(e -> (AuditEvent) e.getResource())
        .toList();
  }

  private static String detail(AuditEvent event, String name) {
    return event.getEntity().stream()
        .flatMap(e -> e.getDetail().stream())
        .filter(d -> name.equals(d.getType()))
        .map(d -> d.getValue().primitiveValue())
        .findFirst()
        .orElse(null);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    return PartnerClients.send(client, request);
  }
}
