package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cypmh.gateway.measures.Milestone;
import org.cypmh.gateway.measures.MilestoneFact;
import org.cypmh.gateway.measures.ReferralMilestones;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.MeasureReport.MeasureReportGroupComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Referral milestones recorded from the flow, and the national measures computed from them: a
 * referral routed, delivered, accepted by the service and seen; then February 2011 seeded with
 * referrals whose milestones are known (a period no other test writes in), measured with {@code
 * $measures} as FHIR MeasureReports and CSV, exact to the figure, small numbers suppressed.
 */
@EmbeddedGateway
class ReferralMeasuresTest extends RoutingBehaviourSupport {

  private static final String ED = "HealthcareService/measures-test-ed";
  private static final String GENERAL = "HealthcareService/measures-test-general";
  private static final String VCSE = "HealthcareService/measures-test-vcse";
  private static final String TRUST = "RZZ";
  private static final String CHARITY = "8ZZ02";
  private static final String PERIOD = "start=2011-02-01&end=2011-02-28";

  @Autowired ReferralMilestones milestones;
  @Autowired DaoRegistry daoRegistry;

  @Test
  void aReferralsMilestonesComeFromItsTaskAndTheServicesEncounter() {
    // A routine referral: routed to the trust's single point of access.
    Accepted accepted = accept(RoutingReferrals.referral().pathway("crisis").aged(15));
    await().atMost(DELIVERY).until(() -> kinds(accepted.referral()).contains(Milestone.DELIVERED));

    // PUT /fhir/Task/{id} by the crisis team's trust: accepted.
    Task task = taskOf(accepted);
    task.setStatus(Task.TaskStatus.ACCEPTED);
    task.setLastModified(new Date());
    HttpResponse<String> answered = sendAs(TRUST, "PUT", "/fhir/" + accepted.task(), task);
    assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
    // POST /fhir/Encounter by the trust: the first appointment, attended.
    Encounter seen = new Encounter();
    seen.setStatus(Encounter.EncounterStatus.FINISHED);
    seen.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", null));
    seen.setSubject(new Reference(patientOf(accepted)));
    seen.addBasedOn(new Reference(accepted.referral()));
    seen.setServiceProvider(new Reference("Organization/demo-camhs-trust"));
    seen.getPeriod().setStart(Date.from(Instant.parse("2026-11-03T10:00:00Z")));
    HttpResponse<String> contact = sendAs(TRUST, "POST", "/fhir/Encounter", seen);
    assertThat(contact.statusCode()).as(contact.body()).isEqualTo(201);

    List<MilestoneFact> facts = milestones.of(accepted.referral());
    assertThat(facts)
        .extracting(MilestoneFact::milestone, MilestoneFact::provider, MilestoneFact::service)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(Milestone.RECEIVED, null, null),
            org.assertj.core.groups.Tuple.tuple(Milestone.ROUTED, null, null),
            org.assertj.core.groups.Tuple.tuple(
                Milestone.DELIVERED, TRUST, "HealthcareService/camhs-spa"),
            org.assertj.core.groups.Tuple.tuple(Milestone.ACCEPTED, TRUST, null),
            org.assertj.core.groups.Tuple.tuple(Milestone.CONTACT, TRUST, null));
    assertThat(facts).allSatisfy(f -> assertThat(f.patient()).isEqualTo(patientOf(accepted)));
    // The contact is dated by the Encounter; receipt is the tracking Task's creation.
    assertThat(facts)
        .filteredOn(f -> f.milestone() == Milestone.CONTACT)
        .singleElement()
        .satisfies(
            f -> assertThat(f.occurredAt()).isEqualTo(Instant.parse("2026-11-03T10:00:00Z")));
    assertThat(facts)
        .filteredOn(f -> f.milestone() == Milestone.RECEIVED)
        .singleElement()
        .satisfies(f -> assertThat(f.source()).isEqualTo(accepted.task() + "/_history/1 created"));
  }

  @Test
  void februarysMeasuresAreExactWithSmallNumbersSuppressed() {
    seedFebruary();

    Bundle reports = measures("");

    // Eating disorders: urgent waits 1,2,3,4,6,9 days; routine 10,14,20,25,28,35,90; one referral
    // without a priority (missing: 1, itself withheld as a small number).
    assertThat(groups(reports, "eating-disorder-waits"))
        .containsExactly(
            "urgent-within-1-week 6/5 83.3 missing -",
            "urgent-1-to-4-weeks suppressed missing -",
            "urgent-4-to-12-weeks 6/0 0.0 missing -",
            "urgent-over-12-weeks 6/0 0.0 missing -",
            "urgent-seen-within-1-week 6/5 83.3 missing -",
            "routine-within-1-week 7/0 0.0 missing -",
            "routine-1-to-4-weeks 7/5 71.4 missing -",
            "routine-4-to-12-weeks suppressed missing -",
            "routine-over-12-weeks suppressed missing -",
            "routine-seen-within-4-weeks 7/5 71.4 missing -");
    // Waits to first contact: the 14 ED referrals, plus 14 and 7 days; one contact without a
    // receipt. Sorted: 1,2,3,4,5,6,7,9,10,14,14,20,25,28,35,90: median (rank 8) 9, p90 (rank 15)
    // 35.
    assertThat(groups(reports, "referral-to-first-contact"))
        .containsExactly(
            "wait-days-count 16/- 16 missing -",
            "wait-days-p50 16/- 9 missing -",
            "wait-days-p90 16/- 35 missing -");
    assertThat(strata(reports, "referral-to-first-contact", "wait-days-p50", "provider"))
        .containsExactly("RZZ 16/- 9");
    // Access: 16 young people under 18 seen in the 12 months to 28 February 2011, one of them at
    // both the trust and the charity; one more 18 (not counted), one without a birth date
    // (missing).
    assertThat(groups(reports, "cyp-access")).containsExactly("young-people 16/- 16 missing -");
    assertThat(strata(reports, "cyp-access", "young-people", "provider"))
        .containsExactly("8ZZ02 suppressed", "RZZ 16/- 16");
    assertThat(strata(reports, "cyp-access", "young-people", "age-band"))
        .containsExactly("16-17 suppressed", "6-10 14/- 14");
    assertThat(strata(reports, "cyp-access", "young-people", "gender"))
        .containsExactly("female 8/- 8", "male 8/- 8");
    assertThat(strata(reports, "cyp-access", "young-people", "ethnicity"))
        .containsExactly("A 10/- 10", "J suppressed", "not recorded 5/- 5");
    // Two referrals held for consent (one released after 4 days): too few to publish.
    assertThat(groups(reports, "held-for-consent"))
        .containsExactly(
            "released-by-period-end suppressed missing 0",
            "days-held-count suppressed missing 0",
            "days-held-p50 suppressed missing 0",
            "days-held-p90 suppressed missing 0");
    // One young person reaches 18 in February, with an agreed transition plan: withheld.
    assertThat(groups(reports, "transitions"))
        .containsExactly(
            "with-agreed-plan suppressed missing -", "without-agreed-plan suppressed missing -");

    // The same as CSV, one line per figure.
    HttpResponse<String> csv = gateway.get("/fhir/$measures?" + PERIOD + "&format=csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "measure,period_start,period_end,provider,figure,stratifier,stratum,denominator,"
                + "numerator,score,unit,missing_data,suppressed");
    assertThat(lines)
        .contains(
            "eating-disorder-waits,2011-02-01,2011-02-28,ALL,urgent-within-1-week,,,6,5,83.3,%,,N",
            "eating-disorder-waits,2011-02-01,2011-02-28,ALL,urgent-1-to-4-weeks,,,,,,%,,Y",
            "cyp-access,2011-02-01,2011-02-28,ALL,young-people,ethnicity,not recorded,5,,5,{people},,N",
            "referral-to-first-contact,2011-02-01,2011-02-28,ALL,wait-days-p90,,,16,,35,d,,N");

    // Commissioners read the stored reports with a search; computing again replaces them.
    HttpResponse<String> search =
        gateway.get(
            "/fhir/MeasureReport?identifier=https://cypmh-gateway.org/fhir/Id/measure-report%7C"
                + "cyp-access/ALL/2011-02-01/2011-02-28");
    Bundle found = GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, search.body());
    assertThat(found.getEntry()).hasSize(1);
    MeasureReport access = (MeasureReport) found.getEntryFirstRep().getResource();
    assertThat(access.getMeasure()).isEqualTo("https://cypmh-gateway.org/fhir/Measure/cyp-access");
    assertThat(access.getType()).isEqualTo(MeasureReport.MeasureReportType.SUMMARY);
    assertThat(access.getPeriod().getStartElement().getValueAsString()).isEqualTo("2011-02-01");
  }

  @Test
  void oneProvidersMeasuresCountOnlyWhatHappenedThere() {
    seedFebruary();

    Bundle charity = measures("&provider=" + CHARITY);

    // The charity saw one young person (in January): withheld; none of February's waits are its.
    assertThat(groups(charity, "cyp-access")).containsExactly("young-people suppressed missing 0");
    assertThat(groups(charity, "referral-to-first-contact"))
        .containsExactly(
            "wait-days-count 0/- 0 missing 0",
            "wait-days-p50 0/- - missing 0",
            "wait-days-p90 0/- - missing 0");
  }

  @Test
  void aBadRequestIsAnOperationOutcome() {
    HttpResponse<String> badDate = gateway.get("/fhir/$measures?start=2011-02-30&end=2011-02-28");
    assertThat(badDate.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(badDate).getIssueFirstRep().getDiagnostics())
        .contains("start must be a date");
    HttpResponse<String> backwards = gateway.get("/fhir/$measures?start=2011-03-01&end=2011-02-28");
    assertThat(backwards.statusCode()).isEqualTo(400);
    HttpResponse<String> format = gateway.get("/fhir/$measures?" + PERIOD + "&format=xls");
    assertThat(format.statusCode()).isEqualTo(400);
    // A provider computing another provider's figures.
    HttpResponse<String> other =
        gateway.send(
            gateway
                .request("/fhir/$measures?" + PERIOD + "&provider=" + TRUST)
                .header("Accept", "application/fhir+json")
                .header("NHSD-End-User-Organisation-ODS", CHARITY)
                .GET());
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(GatewayClient.outcome(other).getIssueFirstRep().getDiagnostics())
        .contains("only its own");
  }

  // --- February 2011 ----------------------------------------------------------------------------

  private static boolean seeded;

  /**
   * Fourteen eating-disorder referrals to the trust (P1-P14, aged 10), P1 also seen by the charity
   * in January; P15 (18) and P16 (no birth date) seen by the general team; P17 (16) seen with no
   * receipt on record; P18 and P19 held for consent; P20 reaches 18 on 14 February with an agreed
   * transition plan.
   */
  private synchronized void seedFebruary() {
    if (seeded) {
      return;
    }
    seeded = true;
    service(ED, "camhs-eating-disorders");
    service(GENERAL, "general-camhs");
    service(VCSE, "vcse-counselling");
    List<String> people = new ArrayList<>();
    for (int i = 1; i <= 14; i++) {
      people.add(
          patient(
              "2000-06-01",
              i <= 7 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE,
              i <= 10 ? "A" : null));
    }
    // Urgent (urgent, asap, stat) and routine ED waits, and one without a priority.
    List<Object[]> ed =
        List.of(
            new Object[] {ServiceRequestPriority.URGENT, 1},
            new Object[] {ServiceRequestPriority.ASAP, 2},
            new Object[] {ServiceRequestPriority.STAT, 3},
            new Object[] {ServiceRequestPriority.URGENT, 4},
            new Object[] {ServiceRequestPriority.URGENT, 6},
            new Object[] {ServiceRequestPriority.URGENT, 9},
            new Object[] {ServiceRequestPriority.ROUTINE, 10},
            new Object[] {ServiceRequestPriority.ROUTINE, 14},
            new Object[] {ServiceRequestPriority.ROUTINE, 20},
            new Object[] {ServiceRequestPriority.ROUTINE, 25},
            new Object[] {ServiceRequestPriority.ROUTINE, 28},
            new Object[] {ServiceRequestPriority.ROUTINE, 35},
            new Object[] {ServiceRequestPriority.ROUTINE, 90},
            new Object[] {null, 5});
    LocalDate contactDay = LocalDate.parse("2011-02-25");
    for (int i = 0; i < ed.size(); i++) {
      String patient = people.get(i);
      String referral = referral(patient, (ServiceRequestPriority) ed.get(i)[0]);
      LocalDate received = contactDay.minusDays((Integer) ed.get(i)[1]);
      record(referral, patient, Milestone.RECEIVED, received.minusDays(1), null, null);
      record(referral, patient, Milestone.DELIVERED, received, TRUST, ED);
      record(referral, patient, Milestone.CONTACT, contactDay, TRUST, null);
    }
    // P1 at the charity in January: counted once for access.
    String vcse = referral(people.get(0), ServiceRequestPriority.ROUTINE);
    record(vcse, people.get(0), Milestone.DELIVERED, LocalDate.parse("2011-01-05"), CHARITY, VCSE);
    record(vcse, people.get(0), Milestone.CONTACT, LocalDate.parse("2011-01-10"), CHARITY, null);
    String p15 = patient("1992-06-01", AdministrativeGender.MALE, "A");
    general(p15, "2011-02-01", "2011-02-15");
    String p16 = patient(null, AdministrativeGender.FEMALE, null);
    general(p16, "2011-02-02", "2011-02-09");
    String p17 = patient("1995-01-01", AdministrativeGender.FEMALE, "J");
    String noReceipt = referral(p17, ServiceRequestPriority.ROUTINE);
    record(noReceipt, p17, Milestone.CONTACT, LocalDate.parse("2011-02-12"), TRUST, null);
    for (String released : new String[] {"2011-02-07", null}) {
      String held = patient("2001-01-01", AdministrativeGender.MALE, null);
      String referral = referral(held, ServiceRequestPriority.ROUTINE);
      record(referral, held, Milestone.RECEIVED, LocalDate.parse("2011-02-03"), null, null);
      record(referral, held, Milestone.HELD_FOR_CONSENT, LocalDate.parse("2011-02-03"), null, null);
      if (released != null) {
        record(referral, held, Milestone.DELIVERED, LocalDate.parse(released), TRUST, GENERAL);
      }
    }
    String p20 = patient("1993-02-14", AdministrativeGender.MALE, null);
    String transition = referral(p20, ServiceRequestPriority.ROUTINE);
    record(transition, p20, Milestone.CONTACT, LocalDate.parse("2011-01-20"), TRUST, null);
    agreedTransitionPlan(p20);
  }

  private void general(String patient, String received, String contact) {
    String referral = referral(patient, ServiceRequestPriority.ROUTINE);
    record(referral, patient, Milestone.DELIVERED, LocalDate.parse(received), TRUST, GENERAL);
    record(referral, patient, Milestone.CONTACT, LocalDate.parse(contact), TRUST, null);
  }

  private void record(
      String referral,
      String patient,
      Milestone milestone,
      LocalDate day,
      String provider,
      String service) {
    milestones.record(
        new MilestoneFact(
            referral,
            patient,
            milestone,
            day.atTime(10, 0).toInstant(java.time.ZoneOffset.UTC),
            provider,
            service,
            "seeded by ReferralMeasuresTest"));
  }

  /** Stored through the DAO: intake (Task, routing) is not what this test is about. */
  private String patient(String born, AdministrativeGender gender, String ethnicity) {
    Patient patient = new Patient();
    if (born != null) {
      patient.setBirthDateElement(new DateType(born));
    }
    patient.setGender(gender);
    if (ethnicity != null) {
      patient.addExtension(
          "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory",
          new CodeableConcept(
              new Coding(
                  "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategory", ethnicity, null)));
    }
    return create(patient);
  }

  private String referral(String patient, ServiceRequestPriority priority) {
    ServiceRequest referral = new ServiceRequest();
    referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    referral.setSubject(new Reference(patient));
    referral.setPriority(priority);
    return create(referral);
  }

  private void service(String id, String type) {
    HealthcareService service = new HealthcareService();
    service.setId(id);
    // Inactive: routing must never choose it.
    service.setActive(false);
    service
        .addType()
        .addCoding(
            new Coding("https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type", type, null));
    daoRegistry.getResourceDao(HealthcareService.class).update(service, new SystemRequestDetails());
  }

  private void agreedTransitionPlan(String patient) {
    CarePlan plan = new CarePlan();
    plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
    plan.setIntent(CarePlan.CarePlanIntent.PLAN);
    plan.setSubject(new Reference(patient));
    plan.addExtension(ConformancePackage.AGREED_EXTENSION, new BooleanType(true));
    create(plan);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private String create(IBaseResource resource) {
    ca.uhn.fhir.jpa.api.dao.IFhirResourceDao dao = daoRegistry.getResourceDao(resource.getClass());
    return dao.create(resource, new SystemRequestDetails())
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  // --- reading the figures ----------------------------------------------------------------------

  private Bundle measures(String extra) {
    HttpResponse<String> response = gateway.get("/fhir/$measures?" + PERIOD + extra);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  private static MeasureReport report(Bundle reports, String measure) {
    return reports.getEntry().stream()
        .map(e -> (MeasureReport) e.getResource())
        .filter(r -> r.getMeasure().endsWith("/" + measure))
        .findFirst()
        .orElseThrow();
  }

  /** Each group as {@code code denominator/numerator score missing N}, or {@code suppressed}. */
  private static List<String> groups(Bundle reports, String measure) {
    return report(reports, measure).getGroup().stream()
        .map(
            g ->
                g.getCode().getCodingFirstRep().getCode()
                    + " "
                    + (g.hasExtension()
                        ? "suppressed"
                        : counts(populations(g.getPopulation())) + score(g.getMeasureScore()))
                    + " missing "
                    + populations(g.getPopulation()).getOrDefault("missing-data", "-"))
        .toList();
  }

  private static List<String> strata(Bundle reports, String measure, String group, String by) {
    MeasureReportGroupComponent found =
        report(reports, measure).getGroup().stream()
            .filter(g -> group.equals(g.getCode().getCodingFirstRep().getCode()))
            .findFirst()
            .orElseThrow();
    return found.getStratifier().stream()
        .filter(s -> by.equals(s.getCodeFirstRep().getText()))
        .flatMap(s -> s.getStratum().stream())
        .map(
            s ->
                s.getValue().getText()
                    + " "
                    + (s.hasExtension()
                        ? "suppressed"
                        : counts(
                                s.getPopulation().stream()
                                    .collect(
                                        Collectors.toMap(
                                            p -> p.getCode().getCodingFirstRep().getCode(),
                                            p -> String.valueOf(p.getCount()))))
                            + score(s.getMeasureScore())))
        .toList();
  }

  private static Map<String, String> populations(
      List<MeasureReport.MeasureReportGroupPopulationComponent> populations) {
    return populations.stream()
        .collect(
            Collectors.toMap(
                p -> p.getCode().getCodingFirstRep().getCode(), p -> String.valueOf(p.getCount())));
  }

  private static String counts(Map<String, String> populations) {
    return populations.getOrDefault("initial-population", "-")
        + "/"
        + populations.getOrDefault("numerator", "-");
  }

  private static String score(org.hl7.fhir.r4.model.Quantity score) {
    return " " + (score.hasValue() ? score.getValue().toPlainString() : "-");
  }

  private List<Milestone> kinds(String referral) {
    return milestones.of(referral).stream().map(MilestoneFact::milestone).toList();
  }

  private HttpResponse<String> sendAs(String ods, String method, String path, IBaseResource body) {
    return gateway.send(
        gateway
            .request(path)
            .header("Accept", "application/fhir+json")
            .header("Content-Type", "application/fhir+json")
            .header("NHSD-End-User-Organisation-ODS", ods)
            .method(
                method,
                HttpRequest.BodyPublishers.ofString(
                    GatewayClient.FHIR.newJsonParser().encodeResourceToString(body))));
  }
}
