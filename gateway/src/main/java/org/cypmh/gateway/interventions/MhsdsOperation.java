package org.cypmh.gateway.interventions;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * {@code GET /fhir/$mhsds-extract?provider=<ODS>&start=<date>&end=<date>&format=csv|ndjson}: the
 * brief interventions a provider delivered in a reporting period (by the day each started), in the
 * MHSDS care-activity shape ({@link MhsdsRow}). The header {@code X-Withheld-By-Consent} says how
 * many were left out because a young person's consent refuses national reporting.
 */
@Component
class MhsdsOperation implements FhirOperations {

  static final String WITHHELD_HEADER = "X-Withheld-By-Consent";

  private final MhsdsExtract extract;
  private final AuditTrail audit;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  MhsdsOperation(MhsdsExtract extract, AuditTrail audit, Clock clock) {
    this.extract = extract;
    this.audit = audit;
    this.clock = clock;
  }

  @Operation(name = "$mhsds-extract", idempotent = true, manualResponse = true)
  public void mhsdsExtract(
      @OperationParam(name = "provider", min = 1, max = 1) StringType provider,
      @OperationParam(name = "start", min = 1, max = 1) StringType start,
      @OperationParam(name = "end", min = 1, max = 1) StringType end,
      @OperationParam(name = "format", max = 1) StringType format,
      ServletRequestDetails request)
      throws IOException {
    boolean csv = format == null || "csv".equals(format.getValue());
    if (!csv && !"ndjson".equals(format.getValue())) {
      throw new InvalidRequestException("format must be csv or ndjson");
    }
    Caller caller = Caller.of(request);
    MhsdsExtract.Extract result = extract.of(caller, value(provider), value(start), value(end));
    audit.record(
        AuditEventBuilder.rest("extended-operation-server", AuditEventAction.E, clock.instant())
            .outcome(
                AuditEventOutcome._0,
                "mhsds extract for "
                    + value(provider).toUpperCase()
                    + " "
                    + value(start)
                    + " to "
                    + value(end)
                    + ": "
                    + result.rows().size()
                    + " row(s), "
                    + result.withheld()
                    + " withheld by consent")
            .requestor(PartnerAuditContext.who(caller), caller.address())
            .correlation(request.getRequestId())
            .build());
    HttpServletResponse response = request.getServletResponse();
    response.setStatus(200);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentType(csv ? "text/csv" : "application/x-ndjson");
    response.setHeader(WITHHELD_HEADER, Integer.toString(result.withheld()));
    Writer out = response.getWriter();
    if (csv) {
      out.write(String.join(",", MhsdsRow.HEADER) + "\r\n");
    }
    for (MhsdsRow row : result.rows()) {
      out.write(csv ? row.csv() + "\r\n" : json.writeValueAsString(row.fields()) + "\n");
    }
    out.flush();
  }

  private static String value(StringType value) {
    return value == null ? null : value.getValue();
  }
}
