package org.cypmh.gateway.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Auditors' operations: who received or viewed a young person's record ({@code
 * Patient/{id}/$access-report}), whether the trail is intact ({@code $audit-verify}) and the trail
 * as NDJSON for a SIEM ({@code $audit-export}).
 */
@Component
public class AuditOperations implements FhirOperations {

  private static final int EXPORT_PAGE = 500;

  private final AccessReport accessReport;
  private final AuditVerifier verifier;
  private final AuditSealer sealer;
  private final AuditTrail trail;
  private final FhirContext fhirContext;
  private final Clock clock;

  AuditOperations(
      AccessReport accessReport,
      AuditVerifier verifier,
      AuditSealer sealer,
      AuditTrail trail,
      FhirContext fhirContext,
      Clock clock) {
    this.accessReport = accessReport;
    this.verifier = verifier;
    this.sealer = sealer;
    this.trail = trail;
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  @Operation(name = "$access-report", type = Patient.class, idempotent = true)
  public Parameters accessReport(@IdParam IdType patient, RequestDetails request) {
    AuditorOnly.require(request);
    return accessReport.of(patient.toUnqualifiedVersionless().getValue());
  }

  /**
   * Checks every seal and record. {@code seal=true} first seals what is pending, so the check
   * covers everything recorded until now.
   */
  @Operation(name = "$audit-verify", idempotent = true)
  public Parameters verify(
      @OperationParam(name = "seal", max = 1) BooleanType sealFirst, RequestDetails request) {
    AuditorOnly.require(request);
    if (sealFirst != null && sealFirst.booleanValue()) {
      sealer.sealPending();
    }
    AuditVerification result = verifier.verify();
    Parameters parameters = new Parameters();
    parameters.addParameter("intact", result.intact());
    parameters.addParameter("sealsChecked", result.sealsChecked());
    parameters.addParameter("recordsChecked", new IntegerType((int) result.recordsChecked()));
    parameters.addParameter("recordsAwaitingSeal", new IntegerType((int) result.recordsPending()));
    result.problems().forEach(p -> parameters.addParameter(problem(p)));
    return parameters;
  }

  /**
   * The trail as NDJSON (one AuditEvent per line, oldest first) recorded in [{@code _since}, {@code
   * _until}); a SIEM pulls again from the last {@code recorded} it received.
   */
  @Operation(name = "$audit-export", idempotent = true, manualResponse = true)
  public void export(
      @OperationParam(name = "_since", max = 1) InstantType since,
      @OperationParam(name = "_until", max = 1) InstantType until,
      ServletRequestDetails request)
      throws IOException {
    AuditorOnly.require(request);
    Instant from = since == null ? Instant.EPOCH : since.getValue().toInstant();
    Instant to = until == null ? clock.instant() : until.getValue().toInstant();
    if (!from.isBefore(to)) {
      throw new InvalidRequestException("_since must be before _until");
    }
    recordExport(request, from, to);
    HttpServletResponse response = request.getServletResponse();
    response.setStatus(200);
    response.setContentType("application/fhir+ndjson");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    Writer out = response.getWriter();
    Instant cursor = from.minusMillis(1);
    String afterId = "";
    var parser = fhirContext.newJsonParser().setPrettyPrint(false);
    while (true) {
      List<AuditRecord> rows = trail.after(cursor, afterId, to, EXPORT_PAGE);
      for (AuditRecord row : rows) {
        out.write(parser.encodeResourceToString(trail.event(row)));
        out.write('\n');
        cursor = row.recorded();
        afterId = row.id();
      }
      out.flush();
      if (rows.size() < EXPORT_PAGE) {
        return;
      }
    }
  }

  /** The export itself is audited: who took the trail out, and which period. */
  private void recordExport(RequestDetails request, Instant from, Instant to) {
    Caller caller = Caller.of(request);
    trail.record(
        AuditEventBuilder.rest("extended-operation-server", AuditEventAction.E, clock.instant())
            .outcome(AuditEventOutcome._0, "audit export " + from + " to " + to)
            .requestor(PartnerAuditContext.who(caller), caller.address())
            .correlation(request.getRequestId())
            .build());
    AuditedRequests.mark(request);
  }

  private static ParametersParameterComponent problem(AuditVerification.Problem problem) {
    ParametersParameterComponent part = new ParametersParameterComponent().setName("problem");
    part.addPart().setName("kind").setValue(new StringType(problem.kind().name().toLowerCase()));
    if (problem.record() != null) {
      part.addPart().setName("record").setValue(new Reference("AuditEvent/" + problem.record()));
    }
    if (problem.sealNo() != null) {
      part.addPart().setName("seal").setValue(new IntegerType(problem.sealNo().intValue()));
    }
    part.addPart().setName("detail").setValue(new StringType(problem.detail()));
    return part;
  }
}
