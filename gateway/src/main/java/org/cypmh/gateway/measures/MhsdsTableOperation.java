package org.cypmh.gateway.measures;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.cypmh.gateway.audit.AuditEventBuilder;
import org.cypmh.gateway.audit.AuditTrail;
import org.cypmh.gateway.audit.PartnerAuditContext;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/$mhsds-table?table=MHS101|MHS102|MHS201|MHS202&provider=<ODS>&month=<YYYY-MM>
 * [&rows=refused]}: one MHSDS table of a provider's reporting month as CSV, with the national data
 * item names as the header, streamed as it is read. {@code rows=refused} lists instead the rows
 * that cannot be submitted ({@code Table,RowId,Reason}): a mandatory item missing, or consent
 * withholding national reporting. A partner may extract only its own rows (403 otherwise).
 */
@Component
class MhsdsTableOperation implements FhirOperations {

  private final MhsdsTables tables;
  private final AuditTrail audit;
  private final Clock clock;

  MhsdsTableOperation(MhsdsTables tables, AuditTrail audit, Clock clock) {
    this.tables = tables;
    this.audit = audit;
    this.clock = clock;
  }

  @Operation(name = "$mhsds-table", idempotent = true, manualResponse = true)
  public void mhsdsTable(
      @OperationParam(name = "table", min = 1, max = 1) StringType table,
      @OperationParam(name = "provider", min = 1, max = 1) StringType provider,
      @OperationParam(name = "month", min = 1, max = 1) StringType month,
      @OperationParam(name = "rows", max = 1) StringType rows,
      ServletRequestDetails request)
      throws IOException {
    MhsdsTable which = table(table);
    String ods = provider(provider);
    YearMonth reporting = month(month);
    boolean refusedOnly = rows != null && "refused".equals(rows.getValue());
    if (rows != null && !refusedOnly && !"accepted".equals(rows.getValue())) {
      throw new InvalidRequestException("rows must be accepted or refused");
    }
    Caller caller = Caller.of(request);
    if (caller.isPartner() && !ods.equals(caller.odsCode())) {
      throw new ForbiddenOperationException(
          "A provider may extract only its own rows (provider=" + caller.odsCode() + ")");
    }
    HttpServletResponse response = request.getServletResponse();
    response.setStatus(200);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentType("text/csv");
    Writer out = response.getWriter();
    out.write((refusedOnly ? "Table,RowId,Reason" : String.join(",", which.items())) + "\r\n");
    int[] counts = {0, 0};
    LocalDate first = reporting.atDay(1);
    tables.extract(
        which,
        ods,
        first,
        reporting.atEndOfMonth(),
        new MhsdsTables.Sink() {
          @Override
          public void row(List<String> values) {
            counts[0]++;
            if (!refusedOnly) {
              write(out, String.join(",", values.stream().map(MhsdsTableOperation::csv).toList()));
            }
          }

          @Override
          public void refused(String rowId, String reason) {
            counts[1]++;
            if (refusedOnly) {
              write(out, which.name() + "," + csv(rowId) + "," + csv(reason));
            }
          }
        });
    out.flush();
    audit.record(
        AuditEventBuilder.rest("extended-operation-server", AuditEventAction.E, clock.instant())
            .outcome(
                AuditEventOutcome._0,
                which.name()
                    + " for "
                    + ods
                    + " "
                    + reporting
                    + ": "
                    + counts[0]
                    + " row(s), "
                    + counts[1]
                    + " refused")
            .requestor(PartnerAuditContext.who(caller), caller.address())
            .correlation(request.getRequestId())
            .build());
  }

  private static void write(Writer out, String line) {
    try {
      out.write(line + "\r\n");
    } catch (IOException e) {
      // The client went away: stop reading the month.
      throw new UncheckedIOException(e);
    }
  }

  private static String csv(String value) {
    return value.contains(",") || value.contains("\"") || value.contains("\n")
        ? "\"" + value.replace("\"", "\"\"") + "\""
        : value;
  }

  private static MhsdsTable table(StringType table) {
    try {
      return MhsdsTable.valueOf(table.getValue().trim().toUpperCase());
    } catch (RuntimeException e) {
      throw new InvalidRequestException("table must be MHS101, MHS102, MHS201 or MHS202");
    }
  }

  private static String provider(StringType provider) {
    if (provider == null
        || provider.getValue() == null
        || !provider.getValue().trim().matches("[A-Za-z0-9]{1,12}")) {
      throw new InvalidRequestException("provider must be the provider's ODS code");
    }
    return provider.getValue().trim().toUpperCase();
  }

  private static YearMonth month(StringType month) {
    try {
      return YearMonth.parse(month.getValue().trim());
    } catch (DateTimeParseException | NullPointerException e) {
      throw new InvalidRequestException("month must be a reporting month, YYYY-MM");
    }
  }
}
