package org.cypmh.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import java.util.Arrays;
import java.util.UUID;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps internals out of responses. Errors HAPI raises deliberately (4xx) pass through with their
 * OperationOutcome, and so does a search parameter HAPI could not parse (400). A request that
 * failed because the database could not be reached is answered 503 with a {@code transient}
 * OperationOutcome and {@code Retry-After}: the partner should simply send it again (a repeated
 * referral is never stored twice). Anything else unexpected is logged once with an incident id and
 * answered with a 500 OperationOutcome that carries only that id, so a partner can quote it and we
 * can find the cause.
 */
@Component
class ClientSafeErrors implements FhirServerInterceptor {

  private static final Logger log = LoggerFactory.getLogger(ClientSafeErrors.class);

  /**
   * Seconds a partner is asked to wait when the database is unreachable: long enough for a
   * connection pool to reconnect after a failover or restart, short enough not to delay care.
   */
  static final int DATABASE_RETRY_AFTER_SECONDS = 5;

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  BaseServerResponseException sanitise(RequestDetails request, Throwable exception) {
    if (DatabaseUnreachable.causedIt(exception)) {
      // Expected while the database is away, and every request says so: no stack trace.
      log.atWarn()
          .addKeyValue("requestId", request.getRequestId())
          .log("database unreachable, answered 503 ({})", exception.getClass().getSimpleName());
      return databaseUnavailable();
    }
    if (exception instanceof BaseServerResponseException expected
        && expected.getStatusCode() < 500) {
      return null;
    }
    if (isUnparseableParameter(exception)) {
      // HAPI binds search parameters (e.g. birthdate=notadate) outside its own 400 handling.
      return new InvalidRequestException(
          "A request parameter could not be parsed: " + exception.getMessage());
    }
    String incident = UUID.randomUUID().toString();
    // The exception message can echo request content, so only its type and stack are logged.
    log.atError()
        .addKeyValue("incident", incident)
        .addKeyValue("requestId", request.getRequestId())
        .setCause(withoutMessage(exception))
        .log("internal error, incident {}", incident);
    return new InternalErrorException(
        "The gateway could not complete this request. Incident " + incident + ".");
  }

  /** 503 with a transient OperationOutcome and Retry-After; no internals. */
  static BaseServerResponseException databaseUnavailable() {
    String text =
        "The gateway cannot reach its database just now, so this request was not completed."
            + " Send it again after "
            + DATABASE_RETRY_AFTER_SECONDS
            + " seconds; a referral sent again is not stored twice.";
    OperationOutcome outcome = ErrorOutcome.of(OperationOutcome.IssueType.TRANSIENT, text);
    BaseServerResponseException unavailable =
        new UnclassifiedServerFailureException(503, text, outcome);
    unavailable.addResponseHeader("Retry-After", String.valueOf(DATABASE_RETRY_AFTER_SECONDS));
    return unavailable;
  }

  private static boolean isUnparseableParameter(Throwable exception) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataFormatException) {
        return Arrays.stream(cause.getStackTrace())
            .limit(8)
            .anyMatch(frame -> frame.getClassName().startsWith("ca.uhn.fhir.rest.param."));
      }
      if (cause.getCause() == cause) {
        return false;
      }
    }
    return false;
  }

  /** The same chain of causes and stack frames, with each message replaced by its class name. */
  private static Throwable withoutMessage(Throwable exception) {
    Throwable cause =
        exception.getCause() == null || exception.getCause() == exception
            ? null
            : withoutMessage(exception.getCause());
    Throwable stripped = new Throwable(exception.getClass().getName(), cause);
    stripped.setStackTrace(exception.getStackTrace());
    return stripped;
  }
}
