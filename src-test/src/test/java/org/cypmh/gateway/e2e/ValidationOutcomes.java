package org.cypmh.gateway.e2e;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cypmh.gateway.fhir.Caller;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/** Reading the gateway's validation warnings as a sender does. */
final class ValidationOutcomes {

  static final String KIND_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/validation-warning-kind";

  private ValidationOutcomes() {}

  /** POSTs FHIR JSON as the partner with that ODS code (trusted-header mode). */
  static HttpResponse<String> postAs(
      GatewayClient gateway, String ods, String path, String body, String... headers) {
    HttpRequest.Builder request =
        gateway
            .request(path)
            .header("Content-Type", "application/fhir+json")
            .header("Accept", "application/fhir+json")
            .header(Caller.ODS_HEADER, ods)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return gateway.send(request);
  }

  /** Warning kinds of an OperationOutcome's issues, in order ("-" for a warning without kind). */
  static List<String> warningKinds(OperationOutcome outcome) {
    return outcome.getIssue().stream()
        .filter(i -> i.getSeverity() == OperationOutcome.IssueSeverity.WARNING)
        .map(ValidationOutcomes::kind)
        .toList();
  }

  static String kind(OperationOutcomeIssueComponent issue) {
    return issue.getDetails().getCoding().stream()
        .filter(c -> KIND_SYSTEM.equals(c.getSystem()))
        .map(Coding::getCode)
        .findFirst()
        .orElse("-");
  }

  /** The warning kinds on each entry of a transaction response, sorted per entry. */
  static List<List<String>> warningKindsPerEntry(Bundle response) {
    return response.getEntry().stream()
        .map(
            e ->
                e.getResponse().getOutcome() instanceof OperationOutcome o
                    ? warningKinds(o).stream().sorted().toList()
                    : List.<String>of())
        .toList();
  }

  /** A Prometheus counter's value (0 if not there yet). */
  static double counter(GatewayClient gateway, String partner, String kind) {
    String body = gateway.send(gateway.request("/actuator/prometheus").GET()).body();
    Matcher matcher =
        Pattern.compile(
                "gateway_validation_warnings_total\\{kind=\""
                    + Pattern.quote(kind)
                    + "\",partner=\""
                    + Pattern.quote(partner)
                    + "\"} ([0-9.E]+)")
            .matcher(body);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }
}
