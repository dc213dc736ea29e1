package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Brief interventions end to end: a partner's local code translated to SNOMED CT through its
 * ConceptMap (both codings stored), untranslatable codes refused with the code named, the summary
 * reaching the young person's CAMHS service and GP only as consent allows, and the MHSDS-shaped
 * extract of exactly one provider's interventions in one period.
 */
@EmbeddedGateway
class BriefInterventionTest extends RoutingBehaviourSupport {

  static final String SNOMED = "http://snomed.info/sct";
  static final String LOCAL =
      "https://cypmh-gateway.org/fhir/CodeSystem/vcse-first-steps-interventions";
  static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  static final String FIRST_STEPS = "8ZZ02";
  static final String MHST = "8ZZ03";
  static final String ACCEPTS_UNMAPPED = "8ZZ09";
  static final String SHARED_RECORD = "https://cypmh-gateway.org/fhir/Id/shared-record";

  @Test
  void aLocalCodeIsTranslatedAndStoredBesideTheSnomedCoding() {
    String patient = youngPerson(false).patient();

    HttpResponse<String> created =
        postAs(FIRST_STEPS, "/fhir/Procedure", local(patient, "FS-CBTE", "2026-10-01"));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Procedure stored = parse(created.body(), Procedure.class);
    assertThat(codings(stored))
        .containsExactlyInAnyOrder(LOCAL + "|FS-CBTE", SNOMED + "|1111811000000109");
  }

  @Test
  void theClosestTargetIsChosenWhenTheMapGivesSeveral() {
    String patient = youngPerson(false).patient();

    // FS-FAMILY maps to family therapy (wider) and family psychotherapy (related to).
    HttpResponse<String> created =
        postAs(FIRST_STEPS, "/fhir/Procedure", local(patient, "FS-FAMILY", "2026-10-01"));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(codings(parse(created.body(), Procedure.class)))
        .containsExactlyInAnyOrder(LOCAL + "|FS-FAMILY", SNOMED + "|51484002");
  }

  @Test
  void aCodeTheMapSaysHasNoTargetIsRefusedNamingIt() {
    String patient = youngPerson(false).patient();

    HttpResponse<String> refused =
        postAs(FIRST_STEPS, "/fhir/Procedure", local(patient, "FS-PEER", "2026-10-01"));

    assertThat(refused.statusCode()).isEqualTo(422);
    OperationOutcome.OperationOutcomeIssueComponent issue =
        parse(refused.body(), OperationOutcome.class).getIssueFirstRep();
    assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.CODEINVALID);
    assertThat(issue.getDiagnostics()).contains(LOCAL + "|FS-PEER");
    assertThat(issue.getExpression().get(0).getValue()).isEqualTo("Procedure.code.coding[0]");
    assertThat(proceduresOf(patient)).isEmpty();
  }

  @Test
  void aCodeMissingFromTheMapIsRefusedAndASelfSetFlagDoesNotLetItIn() {
    String patient = youngPerson(false).patient();
    Procedure unreviewed = local(patient, "FS-GUIDED-SELFHELP", "2026-10-01");
    unreviewed
        .getMeta()
        .addTag(
            "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-intake-flag",
            "unmapped-local-code",
            null);

    HttpResponse<String> refused = postAs(FIRST_STEPS, "/fhir/Procedure", unreviewed);

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("FS-GUIDED-SELFHELP");
    assertThat(proceduresOf(patient)).isEmpty();
  }

  @Test
  void aPartnerConfiguredToAcceptUnmappedCodesHasThemStoredAndFlagged() {
    String patient = youngPerson(false).patient();

    HttpResponse<String> created =
        postAs(ACCEPTS_UNMAPPED, "/fhir/Procedure", local(patient, "FS-PEER", "2026-10-01"));

    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    Procedure stored = parse(created.body(), Procedure.class);
    assertThat(codings(stored)).containsExactly(LOCAL + "|FS-PEER");
    assertThat(stored.getMeta().getTag())
        .extracting(Coding::getCode)
        .containsExactly("unmapped-local-code");
  }

  @Test
  void aPartnerWithoutAConceptMapMustSendSnomed() {
    String patient = youngPerson(false).patient();

    HttpResponse<String> refused =
        postAs(MHST, "/fhir/Procedure", local(patient, "FS-CBTE", "2026-10-01"));

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(parse(refused.body(), OperationOutcome.class).getIssue())
        .filteredOn(i -> i.getSeverity() == OperationOutcome.IssueSeverity.ERROR)
        .singleElement()
        .satisfies(i -> assertThat(i.getDiagnostics()).contains("cypmh-bi-1"));
  }

  @Test
  void aTransactionWithOneUntranslatableCodeStoresNothing() {
    String patient = youngPerson(false).patient();
    Bundle batch = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(batch, local(patient, "FS-CBTE", "2026-10-01"));
    add(batch, local(patient, "FS-DROPIN", "2026-10-02"));

    HttpResponse<String> refused = postAs(FIRST_STEPS, "/fhir", batch);

    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(parse(refused.body(), OperationOutcome.class).getIssueFirstRep().getExpression())
        .extracting(e -> e.getValue())
        .containsExactly("Bundle.entry[1].resource.code.coding[0]");
    assertThat(proceduresOf(patient)).isEmpty();
  }

  @Test
  void theSummaryReachesTheCamhsServiceAndTheGpWithEachInterventionOnce() {
    YoungPerson young = youngPerson(false);
    Bundle batch = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    add(batch, local(young.patient(), "FS-CBTE", "2026-10-01"));
    add(batch, snomed(young.patient(), FIRST_STEPS, "409063005", "2026-10-02"));
    HttpResponse<String> stored = postAs(FIRST_STEPS, "/fhir", batch);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    List<String> ids = proceduresOf(young.patient());
    assertThat(ids).hasSize(2);

    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              assertThat(summarised("/camhs-spa/fhir", ids)).containsExactlyElementsOf(ids);
              assertThat(summarised("/riverside-surgery/fhir", ids)).containsExactlyElementsOf(ids);
            });
    Bundle toGp = summaries("/riverside-surgery/fhir", ids).get(0);
    assertThat(toGp.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    Procedure translated =
        toGp.getEntry().stream()
            .map(e -> e.getResource())
            .filter(Procedure.class::isInstance)
            .map(Procedure.class::cast)
            .filter(p -> codings(p).contains(LOCAL + "|FS-CBTE"))
            .findFirst()
            .orElseThrow();
    assertThat(codings(translated)).contains(SNOMED + "|1111811000000109");
    assertThat(translated.getSubject().getReference()).startsWith("urn:uuid:");
  }

  @Test
  void theGpGetsNothingWhenTheYoungPersonRefusedItButCamhsStillDoes() {
    YoungPerson young = youngPerson(true);
    HttpResponse<String> stored =
        postAs(FIRST_STEPS, "/fhir/Procedure", local(young.patient(), "FS-CBTE", "2026-10-03"));
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
    List<String> ids = proceduresOf(young.patient());

    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> assertThat(summarised("/camhs-spa/fhir", ids)).containsExactlyElementsOf(ids));
    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () ->
                assertThat(deliveryStatuses(ids.get(0)))
                    .containsEntry("riverside-surgery-gp", "WITHHELD")
                    .containsEntry("camhs-spa", "DELIVERED"));
    assertThat(summarised("/riverside-surgery/fhir", ids)).isEmpty();
  }

  @Test
  void theExtractHoldsExactlyTheProvidersInterventionsOfThePeriod() {
    YoungPerson first = youngPerson(false);
    YoungPerson refusing = youngPersonRefusingNationalReporting();
    String inPeriod =
        created(
            postAs(
                FIRST_STEPS, "/fhir/Procedure", local(first.patient(), "FS-CBTE", "2019-03-04")));
    String alsoInPeriod =
        created(
            postAs(
                FIRST_STEPS, "/fhir/Procedure", local(first.patient(), "FS-FAMILY", "2019-03-31")));
    created(
        postAs(FIRST_STEPS, "/fhir/Procedure", local(first.patient(), "FS-CBTE", "2019-04-01")));
    created(
        postAs(FIRST_STEPS, "/fhir/Procedure", local(first.patient(), "FS-CBTE", "2019-02-28")));
    created(
        postAs(MHST, "/fhir/Procedure", snomed(first.patient(), MHST, "409063005", "2019-03-10")));
    created(
        postAs(FIRST_STEPS, "/fhir/Procedure", local(refusing.patient(), "FS-CBTE", "2019-03-05")));

    HttpResponse<String> csv =
        postAs(
            FIRST_STEPS,
            "/fhir/$mhsds-extract?provider=8ZZ02&start=2019-03-01&end=2019-03-31",
            null);

    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.headers().firstValue("X-Withheld-By-Consent")).contains("1");
    assertThat(csv.body().split("\r\n"))
        .containsExactly(
            "NHSNumber,OrgIDProv,CareActId,CareContDate,CodeProcAndProcStatus,ServiceRequestId,"
                + "LocalProcedureCode,UnmappedLocalCode",
            first.nhsNumber()
                + ",8ZZ02,"
                + idPart(inPeriod)
                + ",2019-03-04,1111811000000109,,"
                + LOCAL
                + "|FS-CBTE,N",
            first.nhsNumber()
                + ",8ZZ02,"
                + idPart(alsoInPeriod)
                + ",2019-03-31,51484002,,"
                + LOCAL
                + "|FS-FAMILY,N");

    HttpResponse<String> ndjson =
        postAs(
            null,
            "/fhir/$mhsds-extract?provider=8ZZ02&start=2019-03-01&end=2019-03-31&format=ndjson",
            null);
    assertThat(ndjson.statusCode()).isEqualTo(200);
    assertThat(ndjson.body().lines().toList())
        .hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("{\"NHSNumber\":\"" + first.nhsNumber()));
  }

  @Test
  void aProviderCannotExtractAnotherProvidersInterventions() {
    HttpResponse<String> refused =
        postAs(MHST, "/fhir/$mhsds-extract?provider=8ZZ02&start=2019-03-01&end=2019-03-31", null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(parse(refused.body(), OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains("only its own");
  }

  @Test
  void anExtractWithoutAValidPeriodIsRefused() {
    HttpResponse<String> refused =
        postAs(
            FIRST_STEPS,
            "/fhir/$mhsds-extract?provider=8ZZ02&start=2019-13-01&end=2019-03-31",
            null);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(parse(refused.body(), OperationOutcome.class).getIssueFirstRep().getDiagnostics())
        .contains("start must be a date");
  }

  // --- the young people -------------------------------------------------------------------------

  record YoungPerson(String patient, String nhsNumber) {}

  /**
   * A young person referred (routine) to the CAMHS single point of access, delivered there, and
   * registered with the demo GP.
   */
  private YoungPerson youngPerson(boolean refusesGp) {
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("crisis").aged(15).registeredWith(GP_ODS);
    if (refusesGp) {
      referral.withConsent(ConsentProvisionType.DENY, GP_ODS);
    }
    Accepted accepted = accept(referral);
    await().atMost(DELIVERY).until(() -> !partnerRequestsFor(referral).isEmpty());
    return new YoungPerson(patientOf(accepted), referral.nhsNumber());
  }

  private YoungPerson youngPersonRefusingNationalReporting() {
    RoutingReferrals referral =
        RoutingReferrals.referral()
            .pathway("crisis")
            .aged(15)
            .withConsent(ConsentProvisionType.DENY, "X24");
    Accepted accepted = accept(referral);
    return new YoungPerson(patientOf(accepted), referral.nhsNumber());
  }

  // --- interventions ----------------------------------------------------------------------------

  private static Procedure local(String patient, String localCode, String performedOn) {
    Procedure procedure = intervention(patient, FIRST_STEPS, performedOn);
    procedure.getCode().addCoding(new Coding(LOCAL, localCode, null));
    return procedure;
  }

  private static Procedure snomed(
      String patient, String provider, String code, String performedOn) {
    Procedure procedure = intervention(patient, provider, performedOn);
    procedure.getCode().addCoding(new Coding(SNOMED, code, null));
    return procedure;
  }

  private static Procedure intervention(String patient, String provider, String performedOn) {
    Procedure procedure = new Procedure();
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setSubject(new Reference(patient));
    Date day =
        Date.from(
            LocalDate.parse(performedOn)
                .atTime(10, 0)
                .atZone(ZoneId.of("Europe/London"))
                .toInstant());
    procedure.setPerformed(new Period().setStart(day).setEnd(day));
    procedure
        .addPerformer()
        .setActor(
            new Reference()
                .setType("Organization")
                .setIdentifier(new Identifier().setSystem(ODS).setValue(provider))
                .setDisplay("provider " + provider));
    return procedure;
  }

  private static void add(Bundle transaction, Procedure procedure) {
    transaction
        .addEntry()
        .setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
        .setResource(procedure)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Procedure");
  }

  private HttpResponse<String> postAs(
      String odsCode, String path, org.hl7.fhir.instance.model.api.IBaseResource body) {
    var request =
        gateway
            .request(path.replace("|", "%7C"))
            .header("Accept", "application/fhir+json")
            .header("Content-Type", "application/fhir+json");
    if (odsCode != null) {
      request.header("NHSD-End-User-Organisation-ODS", odsCode);
    }
    return gateway.send(
        body == null
            ? request.GET()
            : request.POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    GatewayClient.FHIR.newJsonParser().encodeResourceToString(body))));
  }

  private static String created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return parse(response.body(), Procedure.class)
        .getIdElement()
        .toUnqualifiedVersionless()
        .getValue();
  }

  private static String idPart(String id) {
    return id.substring(id.indexOf('/') + 1);
  }

  private List<String> proceduresOf(String patient) {
    Bundle found =
        parse(
            gateway.get("/fhir/Procedure?subject=" + patient + "&_count=50").body(), Bundle.class);
    return found.getEntry().stream()
        .map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .sorted()
        .toList();
  }

  private Map<String, String> deliveryStatuses(String procedure) {
    return parameters("/fhir/$deliveries?referral=" + procedure).getParameter().stream()
        .map(RoutingBehaviourSupport::flat)
        .collect(
            java.util.stream.Collectors.toMap(
                d -> d.get("serviceId"), d -> d.get("status"), (a, b) -> a + "," + b));
  }

  /** The summaries a partner path received that carry any of these interventions. */
  private static List<Bundle> summaries(String path, List<String> procedures) {
    return PartnerNetwork.PARTNERS.server().getAllServeEvents().stream()
        .map(e -> (LoggedRequest) e.getRequest())
        .filter(r -> r.getUrl().equals(path))
        .filter(r -> procedures.stream().anyMatch(id -> r.getBodyAsString().contains(id + "\"")))
        .map(r -> parse(r.getBodyAsString(), Bundle.class))
        .toList();
  }

  /** The interventions a partner path received, by the gateway's id, each as often as received. */
  private static List<String> summarised(String path, List<String> procedures) {
    return summaries(path, procedures).stream()
        .flatMap(b -> b.getEntry().stream())
        .map(e -> e.getResource())
        .filter(Procedure.class::isInstance)
        .flatMap(p -> ((Procedure) p).getIdentifier().stream())
        .filter(i -> SHARED_RECORD.equals(i.getSystem()))
        .map(Identifier::getValue)
        .sorted()
        .toList();
  }

  private static List<String> codings(Procedure procedure) {
    return procedure.getCode().getCoding().stream()
        .map(c -> c.getSystem() + "|" + c.getCode())
        .toList();
  }

  private static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(
      String body, Class<T> type) {
    return GatewayClient.FHIR.newJsonParser().parseResource(type, body);
  }
}
