package org.cypmh.gateway.interventions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cypmh.gateway.consent.ConsentDecisionLog;
import org.cypmh.gateway.consent.ConsentQuestion;
import org.cypmh.gateway.consent.ConsentService;
import org.cypmh.gateway.consent.Recipient;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.England;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The brief interventions a provider delivered in a reporting period, as MHSDS-shaped rows. Each
 * young person's data goes to national reporting only as the consent service allows (a Consent can
 * refuse it); the rows it withholds are counted, never silently dropped from the count.
 */
@Component
class MhsdsExtract {

  /** Interventions (of every provider) one day's search may hold; more is refused, not cut. */
  static final int MAX_PER_DAY = 10_000;

  private final DaoRegistry daoRegistry;
  @PersistenceContext private EntityManager entityManager;
  private final ConsentService consent;
  private final ConsentDecisionLog decisions;
  private final Clock clock;

  MhsdsExtract(
      DaoRegistry daoRegistry, ConsentService consent, ConsentDecisionLog decisions, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.consent = consent;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** The rows, and how many interventions consent withheld. */
  record Extract(List<MhsdsRow> rows, int withheld) {}

  /**
   * @param caller a partner may extract only its own interventions; the operator any provider's
   */
  @Transactional
  Extract of(Caller caller, String providerOds, String start, String end) {
    if (providerOds == null || !providerOds.matches("[A-Za-z0-9]{1,12}")) {
      throw new InvalidRequestException("provider must be the provider's ODS code");
    }
    String provider = providerOds.toUpperCase();
    if (caller.isPartner() && !provider.equals(caller.odsCode())) {
      throw new ForbiddenOperationException(
          "A provider may extract only its own interventions (provider=" + caller.odsCode() + ")");
    }
    LocalDate from = date("start", start);
    LocalDate to = date("end", end);
    if (to.isBefore(from)) {
      throw new InvalidRequestException("end must not be before start");
    }
    List<MhsdsRow> rows = new ArrayList<>();
    Map<String, Patient> permitted = new HashMap<>();
    Map<String, Boolean> allowed = new HashMap<>();
    int withheld = 0;
    // One day's Procedures at a time, so a period is never loaded whole, and a day HAPI's
    // synchronous search would cut short is refused rather than extracted short without a word.
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      SearchParameterMap byDay = SearchParameterMap.newSynchronous();
      // A day either side: HAPI indexes times in UTC, the activity date is England's.
      byDay.add(
          Procedure.SP_DATE,
          new DateRangeParam(day.minusDays(1).toString(), day.plusDays(1).toString()));
      byDay.setLoadSynchronousUpTo(MAX_PER_DAY + 1);
      List<IBaseResource> found =
          daoRegistry
              .getResourceDao(Procedure.class)
              .search(byDay, new SystemRequestDetails())
              .getAllResources();
      if (found.size() > MAX_PER_DAY) {
        throw new PayloadTooLargeException(
            "More than "
                + MAX_PER_DAY
                + " interventions around "
                + day
                + ": use $mhsds-table (table=MHS202), which streams a month");
      }
      for (IBaseResource resource : found) {
        Procedure procedure = (Procedure) resource;
        LocalDate activity = activityDate(procedure);
        // Each belongs to the day it started (England), whatever days its search matched.
        if (!provider.equals(InterventionCoding.performerOds(procedure)) || !day.equals(activity)) {
          continue;
        }
        String patientId =
            procedure.getSubject().getReferenceElement().toUnqualifiedVersionless().getValue();
        if (!allowed.computeIfAbsent(patientId, id -> mayReport(id, permitted))) {
          withheld++;
          continue;
        }
        rows.add(row(procedure, permitted.get(patientId), provider, activity));
      }
      // What HAPI read for this day is not needed again; decisions logged so far are written.
      entityManager.flush();
      entityManager.clear();
    }
    return new Extract(rows, withheld);
  }

  /** Asks the consent service once per young person, and records the decision acted on. */
  private boolean mayReport(String patientId, Map<String, Patient> permitted) {
    Patient patient =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(new IdType(patientId), new SystemRequestDetails());
    ConsentQuestion question =
        new ConsentQuestion(
            patient,
            patientId,
            Recipient.NATIONAL_REPORTING,
            "HOPERAT",
            "Procedure",
            Set.of(),
            Set.of(),
            clock.instant(),
            null);
    ConsentDecision decision = consent.decide(question);
    decisions.record(question, decision, "mhsds-extract", patientId, null);
    if (decision.permitted()) {
      permitted.put(patientId, patient);
    }
    return decision.permitted();
  }

  private MhsdsRow row(Procedure procedure, Patient patient, String provider, LocalDate activity) {
    Coding snomed =
        procedure.getCode().getCoding().stream()
            .filter(c -> ConformancePackage.SNOMED_SYSTEM.equals(c.getSystem()))
            .findFirst()
            .orElse(new Coding());
    Coding local =
        procedure.getCode().getCoding().stream()
            .filter(c -> c.hasSystem() && !ConformancePackage.SNOMED_SYSTEM.equals(c.getSystem()))
            .findFirst()
            .orElse(null);
    boolean unmapped =
        procedure
                .getMeta()
                .getTag(LocalCodeTranslation.FLAG_SYSTEM, LocalCodeTranslation.UNMAPPED_FLAG)
            != null;
    return new MhsdsRow(
        patient.getIdentifier().stream()
            .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()))
            .map(Identifier::getValue)
            .findFirst()
            .orElse(""),
        provider,
        procedure.getIdentifier().stream()
            .filter(Identifier::hasValue)
            .map(Identifier::getValue)
            .findFirst()
            .orElse(procedure.getIdElement().getIdPart()),
        activity.toString(),
        snomed.hasCode() ? snomed.getCode() : "",
        referralId(procedure),
        local == null ? "" : local.getSystem() + "|" + local.getCode(),
        unmapped ? "Y" : "N");
  }

  /** The referral's own identifier (the referrer's), or empty if it names no stored referral. */
  private String referralId(Procedure procedure) {
    for (Reference basedOn : procedure.getBasedOn()) {
      IIdType id = basedOn.getReferenceElement();
      if ("ServiceRequest".equals(id.getResourceType()) && id.hasIdPart()) {
        ServiceRequest referral =
            daoRegistry
                .getResourceDao(ServiceRequest.class)
                .read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
        return referral.getIdentifier().stream()
            .filter(Identifier::hasValue)
            .map(Identifier::getValue)
            .findFirst()
            .orElse(id.getIdPart());
      }
      if (basedOn.hasIdentifier()) {
        return basedOn.getIdentifier().getValue();
      }
    }
    return "";
  }

  private static LocalDate activityDate(Procedure procedure) {
    if (procedure.hasPerformedDateTimeType()) {
      return procedure
          .getPerformedDateTimeType()
          .getValue()
          .toInstant()
          .atZone(England.ZONE)
          .toLocalDate();
    }
    if (procedure.hasPerformedPeriod() && procedure.getPerformedPeriod().hasStart()) {
      return procedure
          .getPerformedPeriod()
          .getStart()
          .toInstant()
          .atZone(England.ZONE)
          .toLocalDate();
    }
    return null;
  }

  private static LocalDate date(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRequestException(name + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(name + " must be a date, YYYY-MM-DD");
    }
  }
}
