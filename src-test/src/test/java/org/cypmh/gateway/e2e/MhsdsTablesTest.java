package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.cypmh.gateway.measures.Milestone;
import org.cypmh.gateway.measures.MilestoneFact;
import org.cypmh.gateway.measures.ReferralMilestones;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The MHSDS tables of the trust (ODS RZZ) for March 2011, checked row by row: a referral with every
 * mandatory item, one without a source of referral (refused), one of a young person whose Consent
 * refuses national reporting (withheld); an attended face-to-face contact, a video one that does
 * not say its mechanism (refused); a coded care activity in a contact and one outside any contact
 * (refused). Contacts and activities are stored as a service would store them, and their milestones
 * recorded by the gateway on the way.
 */
@EmbeddedGateway
class MhsdsTablesTest {

  private static final String TRUST = "RZZ";
  private static final String MONTH = "&provider=RZZ&month=2011-03";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String IDS = "https://cypmh-gateway.org/fhir/Id/test-mhsds";

  @LocalServerPort int port;
  @Autowired ReferralMilestones milestones;
  @Autowired DaoRegistry daoRegistry;
  GatewayClient gateway;

  private static String refusingContact;
  private static String young;
  private static String youngNhsNumber;

  @BeforeEach
  void seedMarch() {
    gateway = new GatewayClient(port);
    synchronized (MhsdsTablesTest.class) {
      if (young == null) {
        seed();
      }
    }
  }

  @Test
  void mhs101HasOneRowPerSubmittableReferralAndListsTheRest() {
    assertThat(rows("MHS101"))
        .containsExactly(
            "ServiceRequestId,OrgIDProv,LocalPatientId,NHSNumber,ReferralRequestReceivedDate,"
                + "SourceOfReferralMH,PrimReasonReferralMH,ClinRespPriorityType,ServDischDate",
            "MHSDS-R1,RZZ,"
                + new IdType(young).getIdPart()
                + ","
                + youngNhsNumber
                + ",2011-03-02,A1,,2,2011-03-25");
    assertThat(refused("MHS101"))
        .containsExactlyInAnyOrder(
            "MHS101,MHSDS-R2,missing mandatory SourceOfReferralMH",
            "MHS101,MHSDS-R3,withheld: consent refuses national reporting");
  }

  @Test
  void mhs102NamesTheTeamTypeTheDirectoryRecords() {
    assertThat(rows("MHS102"))
        .containsExactly(
            "ServiceRequestId,OrgIDProv,ServTeamTypeRefToMH,ReferClosureDate",
            "MHSDS-R1,RZZ,A18,2011-03-25");
    assertThat(refused("MHS102"))
        .containsExactlyInAnyOrder(
            "MHS102,MHSDS-R2,missing mandatory ServTeamTypeRefToMH",
            "MHS102,MHSDS-R3,withheld: consent refuses national reporting");
  }

  @Test
  void mhs201HasTheAttendedContactsWithHowTheyTookPlace() {
    assertThat(rows("MHS201"))
        .containsExactly(
            "CareContactId,ServiceRequestId,OrgIDProv,CareContDate,CareContTime,"
                + "ClinContDurOfCareCont,AttendStatus,ConsMechanismMH",
            "MHSDS-C1,MHSDS-R1,RZZ,2011-03-05,10:00:00,45,5,01");
    assertThat(refused("MHS201"))
        .containsExactlyInAnyOrder(
            "MHS201,MHSDS-C2,missing mandatory ConsMechanismMH",
            "MHS201," + refusingContact + ",withheld: consent refuses national reporting");
  }

  @Test
  void mhs202HasTheCodedCareActivitiesOfEachContact() {
    assertThat(rows("MHS202"))
        .containsExactly(
            "CareActId,CareContactId,OrgIDProv,CodeProcAndProcStatus,ClinContactDurOfCareAct",
            "MHSDS-A1,MHSDS-C1,RZZ,1111811000000109,30");
    assertThat(refused("MHS202"))
        .containsExactly("MHS202,MHSDS-A2,missing mandatory CareContactId");
  }

  @Test
  void aMonthOfMoreRowsThanOnePageIsStreamedWholeInOrder() {
    // 450 contacts of the adult trust (RZY) in April 2011 whose Procedures are no longer held: more
    // than the extract reads between releasing its persistence context (200), none may be lost.
    String patient = patient(NhsNumbers.next());
    List<String> expected = new java.util.ArrayList<>();
    for (int i = 0; i < 450; i++) {
      milestones.record(
          new MilestoneFact(
              null,
              patient,
              Milestone.CONTACT,
              Instant.parse("2011-04-01T08:00:00Z").plusSeconds(60L * i),
              "RZY",
              null,
              "Procedure/mhsds-gone-" + i + "/_history/1 performed"));
      expected.add(
          "MHS202,mhsds-gone-" + i + ",the reported contact is no longer held by the gateway");
    }

    HttpResponse<String> refused =
        gateway.get("/fhir/$mhsds-table?table=MHS202&provider=RZY&month=2011-04&rows=refused");

    assertThat(refused.statusCode()).isEqualTo(200);
    List<String> lines = refused.body().lines().toList();
    assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
  }

  @Test
  void aBadTableOrMonthOrAnotherProvidersRowsAreRefused() {
    HttpResponse<String> table = gateway.get("/fhir/$mhsds-table?table=MHS999" + MONTH);
    assertThat(table.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(table).getIssueFirstRep().getDiagnostics())
        .contains("table must be MHS101, MHS102, MHS201 or MHS202");
    HttpResponse<String> month =
        gateway.get("/fhir/$mhsds-table?table=MHS101&provider=RZZ&month=2011-13");
    assertThat(month.statusCode()).isEqualTo(400);
    HttpResponse<String> other =
        gateway.send(
            gateway
                .request("/fhir/$mhsds-table?table=MHS101" + MONTH)
                .header("Accept", "application/fhir+json")
                .header("NHSD-End-User-Organisation-ODS", "8ZZ02")
                .GET());
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(GatewayClient.outcome(other).getIssueFirstRep().getDiagnostics())
        .contains("only its own");
  }

  // --- March 2011 -------------------------------------------------------------------------------

  private void seed() {
    String spa = service("measures-tables-spa", "A18");
    String uncoded = service("measures-tables-uncoded", null);
    youngNhsNumber = NhsNumbers.next();
    young = patient(youngNhsNumber);
    String refusing = patient(NhsNumbers.next());
    Consent refusal =
        ConsentFixtures.consent(ConsentProvisionType.DENY, ConsentFixtures.actorOds("X24"));
    refusal.setPatient(new Reference(refusing));
    refusal.addPerformer(new Reference(refusing));
    create(refusal);

    String r1 = referral("MHSDS-R1", young, ServiceRequestPriority.URGENT, "A1");
    record(r1, young, Milestone.DELIVERED, "2011-03-02T09:00:00Z", spa);
    record(r1, young, Milestone.DISCHARGED, "2011-03-25T09:00:00Z", null);
    String r2 = referral("MHSDS-R2", young, ServiceRequestPriority.ROUTINE, null);
    record(r2, young, Milestone.DELIVERED, "2011-03-04T09:00:00Z", uncoded);
    String r3 = referral("MHSDS-R3", refusing, ServiceRequestPriority.ROUTINE, "A1");
    record(r3, refusing, Milestone.DELIVERED, "2011-03-06T09:00:00Z", spa);
    // Another provider's referral: not in the trust's tables.
    String other = referral("MHSDS-R4", young, ServiceRequestPriority.ROUTINE, "A1");
    milestones.record(
        new MilestoneFact(
            other,
            young,
            Milestone.DELIVERED,
            Instant.parse("2011-03-08T09:00:00Z"),
            "8ZZ02",
            null,
            "seeded"));

    String c1 =
        encounter("MHSDS-C1", young, r1, "AMB", "2011-03-05T10:00:00Z", "2011-03-05T10:45:00Z");
    encounter("MHSDS-C2", young, r2, "VR", "2011-03-06T14:00:00Z", null);
    refusingContact =
        new IdType(encounter(null, refusing, r3, "AMB", "2011-03-07T10:00:00Z", null)).getIdPart();
    procedure(
        "MHSDS-A1",
        young,
        r1,
        c1,
        "1111811000000109",
        "2011-03-05T10:05:00Z",
        "2011-03-05T10:35:00Z");
    procedure(
        "MHSDS-A2", young, r2, null, "409063005", "2011-03-07T11:00:00Z", "2011-03-07T11:20:00Z");
  }

  private void record(
      String referral, String patient, Milestone milestone, String at, String service) {
    milestones.record(
        new MilestoneFact(
            referral,
            patient,
            milestone,
            Instant.parse(at),
            TRUST,
            service,
            "seeded by MhsdsTablesTest"));
  }

  private String service(String id, String teamType) {
    HealthcareService service = new HealthcareService();
    service.setId("HealthcareService/" + id);
    // Inactive: routing must never choose it.
    service.setActive(false);
    service.setProvidedBy(new Reference("Organization/demo-camhs-trust"));
    CodeableConcept type = service.addType();
    type.addCoding(
        new Coding(
            "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type",
            "camhs-young-peoples-team",
            null));
    if (teamType != null) {
      type.addCoding(
          new Coding(
              "https://cypmh-gateway.org/fhir/CodeSystem/mhsds-service-team-type", teamType, null));
    }
    daoRegistry.getResourceDao(HealthcareService.class).update(service, new SystemRequestDetails());
    return "HealthcareService/" + id;
  }

  private String patient(String nhsNumber) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem("https://fhir.nhs.uk/Id/nhs-number").setValue(nhsNumber);
    patient.setBirthDateElement(new DateType("1994-01-01"));
    return create(patient);
  }

  private String referral(
      String id, String patient, ServiceRequestPriority priority, String source) {
    ServiceRequest referral = new ServiceRequest();
    referral.addIdentifier(new Identifier().setSystem(IDS).setValue(id));
    referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    referral.setSubject(new Reference(patient));
    referral.setPriority(priority);
    if (source != null) {
      referral.addExtension(
          "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-SourceOfServiceReferral",
          new CodeableConcept(
              new Coding(
                  "https://fhir.hl7.org.uk/CodeSystem/UKCore-SourceOfReferral", source, null)));
    }
    return create(referral);
  }

  private String encounter(
      String id, String patient, String referral, String mechanism, String start, String end) {
    Encounter encounter = new Encounter();
    if (id != null) {
      encounter.addIdentifier(new Identifier().setSystem(IDS).setValue(id));
    }
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.setClass_(
        new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", mechanism, null));
    encounter.setSubject(new Reference(patient));
    encounter.addBasedOn(new Reference(referral));
    encounter.setServiceProvider(new Reference("Organization/demo-camhs-trust"));
    encounter.setPeriod(new Period().setStart(Date.from(Instant.parse(start))));
    if (end != null) {
      encounter.getPeriod().setEnd(Date.from(Instant.parse(end)));
    }
    return create(encounter);
  }

  private void procedure(
      String id,
      String patient,
      String referral,
      String encounter,
      String code,
      String start,
      String end) {
    Procedure procedure = new Procedure();
    procedure.addIdentifier(new Identifier().setSystem(IDS).setValue(id));
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setSubject(new Reference(patient));
    procedure.addBasedOn(new Reference(referral));
    if (encounter != null) {
      procedure.setEncounter(new Reference(encounter));
    }
    procedure.getCode().addCoding(new Coding(SNOMED, code, null));
    procedure.setPerformed(
        new Period()
            .setStart(Date.from(Instant.parse(start)))
            .setEnd(Date.from(Instant.parse(end))));
    procedure
        .addPerformer()
        .setActor(
            new Reference()
                .setIdentifier(
                    new Identifier()
                        .setSystem("https://fhir.nhs.uk/Id/ods-organization-code")
                        .setValue(TRUST)));
    create(procedure);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private String create(IBaseResource resource) {
    IFhirResourceDao dao = daoRegistry.getResourceDao(resource.getClass());
    return dao.create(resource, new SystemRequestDetails())
        .getId()
        .toUnqualifiedVersionless()
        .getValue();
  }

  // --- reading the tables -----------------------------------------------------------------------

  private List<String> rows(String table) {
    HttpResponse<String> response = gateway.get("/fhir/$mhsds-table?table=" + table + MONTH);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().lines().toList();
  }

  private List<String> refused(String table) {
    HttpResponse<String> response =
        gateway.get("/fhir/$mhsds-table?table=" + table + MONTH + "&rows=refused");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> lines = response.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("Table,RowId,Reason");
    return lines.subList(1, lines.size());
  }
}
