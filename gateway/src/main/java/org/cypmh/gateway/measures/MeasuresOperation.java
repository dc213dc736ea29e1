package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import org.cypmh.gateway.audit.AuditEventBuilder;
import org.cypmh.gateway.audit.AuditTrail;
import org.cypmh.gateway.audit.PartnerAuditContext;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET or POST /fhir/$measures?start=<date>&end=<date>[&provider=<ODS>][&format=csv]}: the
 * referral measures of a reporting period, computed now from the milestone table and stored as one
 * summary {@code MeasureReport} per measure (replacing those of an earlier run for the same period
 * and provider), so commissioners read them with an ordinary {@code MeasureReport} search. Answers
 * a {@code collection} Bundle of the stored reports, or with {@code format=csv} one line per
 * figure.
 */
@Component
class MeasuresOperation implements FhirOperations {

  private final Measures measures;
  private final DaoRegistry daoRegistry;
  private final AuditTrail audit;
  private final Clock clock;

  MeasuresOperation(Measures measures, DaoRegistry daoRegistry, AuditTrail audit, Clock clock) {
    this.measures = measures;
    this.daoRegistry = daoRegistry;
    this.audit = audit;
    this.clock = clock;
  }

  @Operation(name = "$measures", idempotent = true, manualResponse = true)
  public void measures(
      @OperationParam(name = "start", min = 1, max = 1) StringType start,
      @OperationParam(name = "end", min = 1, max = 1) StringType end,
      @OperationParam(name = "provider", max = 1) StringType provider,
      @OperationParam(name = "format", max = 1) StringType format,
      ServletRequestDetails request)
      throws IOException {
    boolean csv = format != null && "csv".equals(format.getValue());
    if (format != null && !csv && !"fhir".equals(format.getValue())) {
      throw new InvalidRequestException("format must be fhir or csv");
    }
    LocalDate from = date("start", start);
    LocalDate to = date("end", end);
    if (to.isBefore(from)) {
      throw new InvalidRequestException("end must not be before start");
    }
    if (from.plusYears(1).isBefore(to)) {
      throw new InvalidRequestException("a reporting period is at most a year");
    }
    String ods = provider(provider);
    Caller caller = Caller.of(request);
    if (caller.isPartner() && !caller.odsCode().equals(ods)) {
      throw new ForbiddenOperationException(
          "A provider may compute only its own measures (provider=" + caller.odsCode() + ")");
    }
    List<Figure> figures = measures.figures(from, to, ods);
    List<MeasureReport> reports =
        MeasureReports.of(figures, from, to, ods, Date.from(clock.instant()));
    Bundle stored = new Bundle().setType(Bundle.BundleType.COLLECTION);
    for (MeasureReport report : reports) {
      stored.addEntry().setResource(store(report));
    }
    audit.record(
        AuditEventBuilder.rest("extended-operation-server", AuditEventAction.E, clock.instant())
            .outcome(
                AuditEventOutcome._0,
                "measures for "
                    + (ods == null ? "every provider" : ods)
                    + " "
                    + from
                    + " to "
                    + to
                    + ": "
                    + reports.size()
                    + " report(s)")
            .requestor(PartnerAuditContext.who(caller), caller.address())
            .correlation(request.getRequestId())
            .build());
    HttpServletResponse response = request.getServletResponse();
    response.setStatus(200);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    Writer out = response.getWriter();
    if (csv) {
      response.setContentType("text/csv");
      out.write(MeasureReports.CSV_HEADER + "\r\n");
      for (Figure figure : figures) {
        out.write(MeasureReports.csv(figure, from, to, ods) + "\r\n");
      }
    } else {
      response.setContentType("application/fhir+json");
      out.write(request.getFhirContext().newJsonParser().encodeResourceToString(stored));
    }
    out.flush();
  }

  /** Stores the report over the one of an earlier run for the same measure, period and provider. */
  private MeasureReport store(MeasureReport report) {
    IFhirResourceDao<MeasureReport> dao = daoRegistry.getResourceDao(MeasureReport.class);
    String match =
        "MeasureReport?identifier="
            + UrlUtil.escapeUrlParam(
                MeasureReports.IDENTIFIER_SYSTEM + "|" + report.getIdentifierFirstRep().getValue());
    report.setId(
        dao.update(report, match, new SystemRequestDetails()).getId().toUnqualifiedVersionless());
    return report;
  }

  private static String provider(StringType provider) {
    if (provider == null || provider.getValue() == null || provider.getValue().isBlank()) {
      return null;
    }
    if (!provider.getValue().trim().matches("[A-Za-z0-9]{1,12}")) {
      throw new InvalidRequestException("provider must be the provider's ODS code");
    }
    return provider.getValue().trim().toUpperCase();
  }

  private static LocalDate date(String name, StringType value) {
    if (value == null || value.getValue() == null || value.getValue().isBlank()) {
      throw new InvalidRequestException(name + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(value.getValue().trim());
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(name + " must be a date, YYYY-MM-DD");
    }
  }
}
