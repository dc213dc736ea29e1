package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.England;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * One MHSDS table of one provider's reporting month, streamed row by row from the milestone table
 * (a JPA result stream, fetched in pages and detached as read: memory stays flat however large the
 * month, and nothing is cut off at HAPI's search limits). A row lacking a mandatory item, or whose
 * young person's consent withholds national reporting, goes to the sink's refusals with the reason,
 * never silently away.
 */
@Component
class MhsdsTables {

  /** Where the directory records a service's national team type (on HealthcareService.type). */
  static final String TEAM_TYPE_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/mhsds-service-team-type";

  /** Where a referral carries its national primary reason (on ServiceRequest.reasonCode). */
  static final String PRIMARY_REASON_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/mhsds-primary-reason-for-referral";

  static final String SOURCE_OF_REFERRAL =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-SourceOfServiceReferral";

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final Set<String> FACE_TO_FACE = Set.of("AMB", "HH", "FLD");

  /** Consent decisions remembered per young person within one extract, at most this many. */
  private static final int CONSENT_CACHE = 10_000;

  /** Where rows go as they are made. */
  interface Sink {
    void row(List<String> values);

    void refused(String rowId, String reason);
  }

  /** Rows between flushing and clearing the persistence context, which HAPI's reads fill. */
  private static final int RELEASE_EVERY = 200;

  private final ReferralMilestones milestones;
  private final DaoRegistry daoRegistry;
  private final NationalReportingConsent consent;

  MhsdsTables(
      ReferralMilestones milestones, DaoRegistry daoRegistry, NationalReportingConsent consent) {
    this.milestones = milestones;
    this.daoRegistry = daoRegistry;
    this.consent = consent;
  }

  /** Writable: each consent decision acted on is logged, as for every other disclosure. */
  @Transactional
  void extract(MhsdsTable table, String provider, LocalDate first, LocalDate last, Sink sink) {
    Instant from = first.atStartOfDay(England.ZONE).toInstant();
    Instant to = last.plusDays(1).atStartOfDay(England.ZONE).toInstant();
    Map<String, Boolean> permitted = lru();
    int[] rows = {0};
    switch (table) {
      case MHS101, MHS102 -> {
        try (Stream<MilestoneFact> facts = milestones.ofReferralsAt(provider, from, to)) {
          List<MilestoneFact> referral = new ArrayList<>();
          facts.forEachOrdered(
              row -> {
                if (!referral.isEmpty() && !referral.get(0).referral().equals(row.referral())) {
                  referral(table, provider, referral, permitted, sink);
                  referral.clear();
                  released(rows);
                }
                referral.add(row);
              });
          if (!referral.isEmpty()) {
            referral(table, provider, referral, permitted, sink);
          }
        }
      }
      case MHS201, MHS202 -> {
        String kind = table == MhsdsTable.MHS201 ? "Encounter/" : "Procedure/";
        try (Stream<MilestoneFact> contacts =
            milestones.ofKindAt(Milestone.CONTACT, provider, from, to)) {
          contacts
              .filter(c -> c.source().startsWith(kind))
              .forEachOrdered(
                  c -> {
                    contact(table, provider, c, permitted, sink);
                    released(rows);
                  });
        }
      }
    }
  }

  private void referral(
      MhsdsTable table,
      String provider,
      List<MilestoneFact> facts,
      Map<String, Boolean> permitted,
      Sink sink) {
    Episode episode =
        Episodes.of(facts).stream()
            .filter(e -> provider.equals(e.provider()))
            .findFirst()
            .orElse(null);
    ServiceRequest referral = (ServiceRequest) read(facts.get(0).referral());
    String referralId = referralId(referral, facts.get(0).referral());
    if (episode == null || !mayReport(episode.patient(), permitted)) {
      sink.refused(referralId, "withheld: consent refuses national reporting");
      return;
    }
    String closed =
        date(
            facts.stream()
                .filter(f -> provider.equals(f.provider()))
                .filter(
                    f -> f.milestone() == Milestone.DISCHARGED || f.milestone() == Milestone.CLOSED)
                .map(MilestoneFact::occurredAt)
                .min(Instant::compareTo)
                .orElse(null));
    Map<String, String> row = new LinkedHashMap<>();
    row.put("ServiceRequestId", referralId);
    row.put("OrgIDProv", provider);
    if (table == MhsdsTable.MHS101) {
      Patient patient = (Patient) read(episode.patient());
      row.put(
          "LocalPatientId",
          episode.patient() == null ? null : new IdType(episode.patient()).getIdPart());
      row.put(
          "NHSNumber",
          patient == null
              ? null
              : identifier(patient.getIdentifier(), ConformancePackage.NHS_NUMBER_SYSTEM));
      row.put("ReferralRequestReceivedDate", date(episode.receivedAt()));
      row.put("SourceOfReferralMH", referral == null ? null : sourceOfReferral(referral));
      row.put(
          "PrimReasonReferralMH",
          referral == null ? null : code(referral.getReasonCode(), PRIMARY_REASON_SYSTEM));
      row.put(
          "ClinRespPriorityType",
          referral == null || !referral.hasPriority()
              ? null
              : priorityType(referral.getPriority().toCode()));
      row.put("ServDischDate", closed);
    } else {
      HealthcareService service = (HealthcareService) read(episode.service());
      row.put(
          "ServTeamTypeRefToMH",
          service == null ? null : code(service.getType(), TEAM_TYPE_SYSTEM));
      row.put("ReferClosureDate", closed);
    }
    emit(table, referralId, row, sink);
  }

  private void contact(
      MhsdsTable table,
      String provider,
      MilestoneFact contact,
      Map<String, Boolean> permitted,
      Sink sink) {
    IBaseResource resource = read(contact.source().split(" ")[0]);
    String rowId = new IdType(contact.source().split(" ")[0]).toVersionless().getIdPart();
    if (!mayReport(contact.patient(), permitted)) {
      sink.refused(rowId, "withheld: consent refuses national reporting");
      return;
    }
    Map<String, String> row = new LinkedHashMap<>();
    if (resource instanceof Encounter encounter) {
      rowId = ownId(encounter.getIdentifier(), encounter.getIdElement().getIdPart());
      row.put("CareContactId", rowId);
      row.put(
          "ServiceRequestId",
          contact.referral() == null
              ? null
              : referralId((ServiceRequest) read(contact.referral()), contact.referral()));
      row.put("OrgIDProv", provider);
      Date start = encounter.getPeriod().getStart();
      row.put("CareContDate", start == null ? null : date(start.toInstant()));
      row.put(
          "CareContTime",
          start == null ? null : TIME.format(start.toInstant().atZone(England.ZONE)));
      row.put("ClinContDurOfCareCont", minutes(start, encounter.getPeriod().getEnd()));
      // The milestone exists only for an attended contact: 5, attended on time (or seen).
      row.put("AttendStatus", "5");
      row.put(
          "ConsMechanismMH",
          encounter.getClass_().hasCode() && FACE_TO_FACE.contains(encounter.getClass_().getCode())
              ? "01"
              : null);
    } else if (resource instanceof Procedure procedure) {
      rowId = ownId(procedure.getIdentifier(), procedure.getIdElement().getIdPart());
      row.put("CareActId", rowId);
      Encounter within =
          procedure.getEncounter().hasReference()
              ? (Encounter) read(procedure.getEncounter().getReference())
              : null;
      row.put(
          "CareContactId",
          within == null ? null : ownId(within.getIdentifier(), within.getIdElement().getIdPart()));
      row.put("OrgIDProv", provider);
      row.put(
          "CodeProcAndProcStatus",
          procedure.getCode().getCoding().stream()
              .filter(c -> ConformancePackage.SNOMED_SYSTEM.equals(c.getSystem()) && c.hasCode())
              .map(Coding::getCode)
              .findFirst()
              .orElse(null));
      row.put(
          "ClinContactDurOfCareAct",
          procedure.hasPerformedPeriod()
              ? minutes(
                  procedure.getPerformedPeriod().getStart(),
                  procedure.getPerformedPeriod().getEnd())
              : null);
    } else {
      sink.refused(rowId, "the reported contact is no longer held by the gateway");
      return;
    }
    emit(table, rowId, row, sink);
  }

  private static void emit(MhsdsTable table, String rowId, Map<String, String> row, Sink sink) {
    List<String> missing = table.missing(row);
    if (!missing.isEmpty()) {
      sink.refused(rowId, "missing mandatory " + String.join(", ", missing));
      return;
    }
    sink.row(
        table.items().stream()
            .map(item -> row.getOrDefault(item, null))
            .map(v -> v == null ? "" : v)
            .toList());
  }

  /** Keeps memory flat on a large month: what was read for earlier rows is let go. */
  private void released(int[] rows) {
    if (++rows[0] % RELEASE_EVERY == 0) {
      milestones.release();
    }
  }

  private boolean mayReport(String patient, Map<String, Boolean> permitted) {
    return patient != null
        && permitted.computeIfAbsent(patient, p -> consent.permitted(p, "ServiceRequest") != null);
  }

  /**
   * MHSDS ClinRespPriorityType from the FHIR priority: 1 emergency, 2 urgent, 3 routine, 4 very
   * urgent.
   */
  static String priorityType(String fhirPriority) {
    return switch (fhirPriority) {
      case "stat" -> "1";
      case "urgent" -> "2";
      case "routine" -> "3";
      case "asap" -> "4";
      default -> null;
    };
  }

  private static String sourceOfReferral(ServiceRequest referral) {
    Extension source = referral.getExtensionByUrl(SOURCE_OF_REFERRAL);
    return source != null && source.getValue() instanceof CodeableConcept concept
        ? concept.getCodingFirstRep().getCode()
        : null;
  }

  private static String code(List<CodeableConcept> concepts, String system) {
    return concepts.stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> system.equals(c.getSystem()) && c.hasCode())
        .map(Coding::getCode)
        .findFirst()
        .orElse(null);
  }

  /** The referrer's own identifier of the referral, else the gateway's id. */
  private static String referralId(ServiceRequest referral, String reference) {
    String fallback = new IdType(reference).getIdPart();
    return referral == null ? fallback : ownId(referral.getIdentifier(), fallback);
  }

  private static String ownId(List<Identifier> identifiers, String fallback) {
    return identifiers.stream()
        .filter(Identifier::hasValue)
        .map(Identifier::getValue)
        .findFirst()
        .orElse(fallback);
  }

  private static String identifier(List<Identifier> identifiers, String system) {
    return identifiers.stream()
        .filter(i -> system.equals(i.getSystem()) && i.hasValue())
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }

  private static String date(Instant at) {
    LocalDate day = MeasureCalculation.day(at);
    return day == null ? null : day.toString();
  }

  private static String minutes(Date start, Date end) {
    return start == null || end == null || end.before(start)
        ? null
        : Long.toString(Duration.between(start.toInstant(), end.toInstant()).toMinutes());
  }

  private IBaseResource read(String reference) {
    return StoredResources.find(daoRegistry, reference);
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CONSENT_CACHE;
      }
    };
  }
}
