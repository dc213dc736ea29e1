package org.cypmh.gateway.validation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * The validation warnings of a request go back to its sender and are counted per partner, never
 * silently dropped.
 *
 * <ul>
 *   <li>Transaction and batch: each warning in the OperationOutcome of the entry it concerns
 *       ({@code entry.response.outcome}), merged with what is already there (the tracking Task).
 *   <li>REST create/update with {@code Prefer: return=OperationOutcome}: in that OperationOutcome.
 *   <li>Any response: the count in {@value #HEADER}. Never the issue text: headers end up in
 *       proxies' logs, and issue text can quote submitted values.
 *   <li>{@code $process-message} and anything else answering in its own shape: {@link #of}.
 * </ul>
 *
 * <p>Counter {@value #COUNTER}, tags {@code partner} (ODS code, {@code operator} for the gateway's
 * operator) and {@code kind} ({@link UnknownContent#tag()}); counter {@value #FAILURES} for
 * requests refused, tag {@code partner}.
 */
public final class ValidationWarnings implements FhirServerInterceptor {

  /**
   * RequestDetails user data: an {@link OperationOutcome} holding the current request's validation
   * warnings (severity warning, {@code expression} the FHIRPath in the request body, {@code
   * details.coding} the kind in {@link #KIND_SYSTEM}); absent when there were none.
   */
  public static final String USER_DATA = "org.cypmh.gateway.validation.warnings";

  public static final String HEADER = "X-Validation-Warnings";
  public static final String KIND_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/validation-warning-kind";
  static final String COUNTER = "gateway.validation.warnings";

  /** Requests refused for not conforming, tag {@code partner} as for warnings. */
  static final String FAILURES = "gateway.validation.failures";

  private static final Pattern ENTRY = Pattern.compile("^Bundle\\.entry\\[(\\d+)]");

  private final MeterRegistry meters;

  ValidationWarnings(MeterRegistry meters) {
    this.meters = meters;
  }

  /** The current request's validation warnings, for responses built by an operation. */
  public static Optional<OperationOutcome> of(RequestDetails request) {
    return request.getUserData().get(USER_DATA) instanceof OperationOutcome outcome
        ? Optional.of(outcome)
        : Optional.empty();
  }

  /** Records a validated request's warnings: counted, kept on the request, counted in a header. */
  void record(RequestDetails request, String partner, List<Warning> warnings) {
    if (warnings.isEmpty()) {
      return;
    }
    OperationOutcome outcome = new OperationOutcome();
    for (Warning warning : warnings) {
      meters
          .counter(
              COUNTER,
              "partner",
              partner == null ? "operator" : partner,
              "kind",
              warning.kind().tag())
          .increment();
      outcome.addIssue(warning.issue());
    }
    request.getUserData().put(USER_DATA, outcome);
    if (request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
      servlet.getServletResponse().setHeader(HEADER, Integer.toString(warnings.size()));
    }
  }

  /** Counts a request refused by validation. */
  void refused(String partner) {
    meters.counter(FAILURES, "partner", partner == null ? "operator" : partner).increment();
  }

  /** One warning: the issue as returned and its kind. */
  record Warning(OperationOutcomeIssueComponent issue, UnknownContent kind) {}

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  void addToResponse(RequestDetails request, ResponseDetails response) {
    Optional<OperationOutcome> warnings = of(request);
    if (warnings.isEmpty()) {
      return;
    }
    if (response.getResponseResource() instanceof OperationOutcome returned) {
      warnings.get().getIssue().forEach(i -> returned.addIssue(i.copy()));
    } else if (response.getResponseResource() instanceof Bundle bundle
        && (bundle.getType() == Bundle.BundleType.TRANSACTIONRESPONSE
            || bundle.getType() == Bundle.BundleType.BATCHRESPONSE)
        && bundle.hasEntry()) {
      for (OperationOutcomeIssueComponent issue : warnings.get().getIssue()) {
        addToEntry(bundle, entryOf(issue), issue);
      }
    }
  }

  /**
   * The request entry an issue is about (response entries are in request order); else the first.
   */
  private static int entryOf(OperationOutcomeIssueComponent issue) {
    String path = issue.hasExpression() ? issue.getExpression().get(0).getValue() : "";
    Matcher matcher = ENTRY.matcher(path);
    return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
  }

  private static void addToEntry(Bundle bundle, int index, OperationOutcomeIssueComponent issue) {
    Bundle.BundleEntryResponseComponent entryResponse =
        bundle.getEntry().get(index < bundle.getEntry().size() ? index : 0).getResponse();
    mergeInto(entryResponse).addIssue(issue.copy());
  }

  /**
   * The entry response's OperationOutcome, created if it has none: other interceptors (the tracking
   * Task) add to the same one rather than replacing it.
   */
  public static OperationOutcome mergeInto(Bundle.BundleEntryResponseComponent entryResponse) {
    if (entryResponse.getOutcome() instanceof OperationOutcome existing) {
      return existing;
    }
    OperationOutcome outcome = new OperationOutcome();
    entryResponse.setOutcome(outcome);
    return outcome;
  }
}
