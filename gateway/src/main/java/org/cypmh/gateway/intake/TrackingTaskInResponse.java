package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.Map;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.gateway.validation.ValidationWarnings;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * Tells the referrer where to follow its referral: a {@code X-Referral-Task} header on a REST
 * create (new or repeated), and an informational OperationOutcome on each referral entry of a
 * transaction response.
 */
@Component
class TrackingTaskInResponse implements FhirServerInterceptor {

  static final String HEADER = "X-Referral-Task";

  private final ReferralTracking tracking;

  TrackingTaskInResponse(ReferralTracking tracking) {
    this.tracking = tracking;
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  void decorate(ServletRequestDetails request, ResponseDetails response) {
    Map<String, String> tasks = tasksOf(request);
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation == RestOperationTypeEnum.CREATE
        && response.getResponseResource() instanceof ServiceRequest referral) {
      String id = referral.getIdElement().toUnqualifiedVersionless().getValue();
      String task =
          tasks.containsKey(id)
              ? tasks.get(id)
              : tracking
                  .trackingTaskOf(referral)
                  .map(t -> t.getIdElement().toUnqualifiedVersionless().getValue())
                  .orElse(null);
      if (task != null) {
        request.getServletResponse().addHeader(HEADER, task);
      }
    } else if (response.getResponseResource() instanceof Bundle bundle
        && bundle.getType() == Bundle.BundleType.TRANSACTIONRESPONSE) {
      bundle.getEntry().forEach(entry -> annotate(entry.getResponse(), tasks));
    }
  }

  private void annotate(
      Bundle.BundleEntryResponseComponent entryResponse, Map<String, String> tasks) {
    if (!entryResponse.hasLocation()) {
      return;
    }
    IdType location = new IdType(entryResponse.getLocation());
    if (!"ServiceRequest".equals(location.getResourceType())) {
      return;
    }
    String id = location.toUnqualifiedVersionless().getValue();
    String task = tasks.get(id);
    if (task == null) {
      ServiceRequest stub = new ServiceRequest();
      stub.setId(id);
      task =
          tracking
              .trackingTaskOf(stub)
              .map(t -> t.getIdElement().toUnqualifiedVersionless().getValue())
              .orElse(null);
    }
    if (task != null) {
      // First in the entry's OperationOutcome, which may already carry HAPI's storage note and
      // validation warnings: merged, never replaced.
      ValidationWarnings.mergeInto(entryResponse)
          .getIssue()
          .add(
              0,
              new OperationOutcome.OperationOutcomeIssueComponent()
                  .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                  .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                  .setDiagnostics("Referral " + id + " is tracked by " + task)
                  .addLocation(task));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> tasksOf(ServletRequestDetails request) {
    Object tasks = request.getUserData().get(ReferralTracking.TASKS_BY_REFERRAL);
    return tasks == null ? Map.of() : (Map<String, String>) tasks;
  }
}
