package org.cypmh.gateway.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Clock;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Every FHIR request the BALP interceptor does not record still leaves one audit record: a refused
 * or failed request (any interaction, with the status and why), and a successful one BALP has no
 * pattern for (operations such as {@code $everything}, {@code $process-message}, {@code
 * $access-report}, capability and terminology requests). Recorded before the response goes out.
 *
 * <p>A request refused with 503 because the database is unreachable cannot be recorded there: it is
 * logged instead (the audit trail lives in the database it could not reach), so the 503 still
 * reaches the partner rather than a failure of its own audit record.
 */
@Component
@ConditionalOnProperty(name = "gateway.audit.enabled", matchIfMissing = true)
class UnrecordedRequests implements FhirServerInterceptor {

  static final String OPERATION_SYSTEM = "https://cypmh-gateway.org/fhir/CodeSystem/operation";
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private static final Logger log = LoggerFactory.getLogger(UnrecordedRequests.class);

  private final AuditTrail trail;
  private final Clock clock;

  UnrecordedRequests(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  boolean answered(RequestDetails request) {
    if (!AuditedRequests.isAudited(request)) {
      record(request, AuditEventOutcome._0, null);
    }
    return true;
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  boolean failed(RequestDetails request, BaseServerResponseException exception) {
    int status = exception.getStatusCode();
    if (status == 503) {
      log.atWarn()
          .addKeyValue("requestId", request.getRequestId())
          .log("request refused with 503 while the database is unreachable: not audited");
      // Not to be recorded again on the way out either (RefusedRequestAudit).
      AuditedRequests.mark(request);
      return true;
    }
    record(
        request,
        status >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4,
        "HTTP " + status + ": " + StringUtils.abbreviate(exception.getMessage(), 300));
    return true;
  }

  private void record(RequestDetails request, AuditEventOutcome outcome, String description) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    Caller caller = Caller.of(request);
    AuditEventBuilder event =
        AuditEventBuilder.rest(
                operation == null
                    ? AuditedRequests.interaction(request.getRequestType().name())
                    : operation.getCode(),
                AuditedRequests.action(
                    request.getRequestType().name(), request.getOperation() != null),
                clock.instant())
            .outcome(outcome, description)
            .requestor(PartnerAuditContext.who(caller), caller.address())
            .patient(patientOf(request))
            .data(dataOf(request))
            .correlation(request.getRequestId());
    var built = event.build();
    if (request.getOperation() != null) {
      built.addSubtype(new Coding(OPERATION_SYSTEM, request.getOperation(), null));
    }
    trail.record(built);
    AuditedRequests.mark(request);
  }

  private static String patientOf(RequestDetails request) {
    return hasValidId(request) && "Patient".equals(request.getResourceName())
        ? "Patient/" + request.getId().getIdPart()
        : null;
  }

  private static String dataOf(RequestDetails request) {
    return hasValidId(request) && !"Patient".equals(request.getResourceName())
        ? request.getResourceName() + "/" + request.getId().getIdPart()
        : null;
  }

  /** A FHIR id as the spec allows it: a hostile one is left to the outcome text, not recorded. */
  private static boolean hasValidId(RequestDetails request) {
    return request.getId() != null
        && request.getId().hasIdPart()
        && request.getResourceName() != null
        && FHIR_ID.matcher(request.getId().getIdPart()).matches();
  }
}
