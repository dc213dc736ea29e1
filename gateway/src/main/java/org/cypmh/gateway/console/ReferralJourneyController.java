package org.cypmh.gateway.console;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cypmh.gateway.audit.AuditQuery;
import org.cypmh.gateway.audit.AuditTrail;
import org.cypmh.routes.api.RoutingConsole;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * One referral's journey, addressed by the gateway's ServiceRequest id only (never a person's
 * details in a URL): intake, routing and consent decision per destination, each delivery attempt,
 * the payload each partner received, Task history and audit records. Finding a young person's
 * referrals by NHS number is a POST.
 */
@Controller
class ReferralJourneyController {

  private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  private final RoutingConsole routing;
  private final DaoRegistry daoRegistry;
  private final AuditTrail auditTrail;

  ReferralJourneyController(
      RoutingConsole routing, DaoRegistry daoRegistry, AuditTrail auditTrail) {
    this.routing = routing;
    this.daoRegistry = daoRegistry;
    this.auditTrail = auditTrail;
  }

  @GetMapping("/console/referrals")
  String recent(Model model) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.setLoadSynchronousUpTo(20);
    map.setSort(
        new ca.uhn.fhir.rest.api.SortSpec("_lastUpdated")
            .setOrder(ca.uhn.fhir.rest.api.SortOrderEnum.DESC));
    model.addAttribute("referrals", summaries(search(ServiceRequest.class, map)));
    model.addAttribute("heading", "Latest referrals");
    return "console/referrals";
  }

  @PostMapping("/console/referrals/search")
  String byNhsNumber(@RequestParam("nhsNumber") String nhsNumber, Model model) {
    String digits = nhsNumber.replaceAll("\\s", "");
    List<Map<String, String>> found = new ArrayList<>();
    if (digits.matches("\\d{10}")) {
      SearchParameterMap patients = SearchParameterMap.newSynchronous();
      patients.add(Patient.SP_IDENTIFIER, new TokenParam(NHS_NUMBER_SYSTEM, digits));
      for (IBaseResource patient : search(Patient.class, patients)) {
        SearchParameterMap referrals = SearchParameterMap.newSynchronous();
        referrals.add(
            ServiceRequest.SP_SUBJECT,
            new ReferenceParam(patient.getIdElement().toUnqualifiedVersionless().getValue()));
        found.addAll(summaries(search(ServiceRequest.class, referrals)));
      }
    }
    model.addAttribute("referrals", found);
    model.addAttribute("heading", "Referrals of the NHS number searched for");
    return "console/referrals";
  }

  @GetMapping("/console/referrals/{id}")
  String journey(@PathVariable("id") String id, Model model) {
    if (!LOGICAL_ID.matcher(id).matches()) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
    ServiceRequest referral;
    try {
      referral =
          daoRegistry
              .getResourceDao(ServiceRequest.class)
              .read(new IdType("ServiceRequest", id), new SystemRequestDetails());
    } catch (ResourceNotFoundException e) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
    String reference = "ServiceRequest/" + id;
    model.addAttribute("id", id);
    model.addAttribute("intake", summary(referral));
    model.addAttribute("deliveries", deliveries(reference));
    model.addAttribute("tasks", taskHistory(reference));
    model.addAttribute("audit", auditRecords(referral.getSubject().getReference()));
    return "console/journey";
  }

  /** Each delivery (route, destination, consent decision) with its attempts and payload. */
  private List<Map<String, Object>> deliveries(String reference) {
    Parameters answer = routing.deliveries(new StringType(reference));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ParametersParameterComponent delivery : answer.getParameter()) {
      Map<String, Object> row = new LinkedHashMap<>();
      Map<String, String> flat = ParameterRows.flat(delivery);
      row.put("delivery", flat);
      row.put(
          "attempts",
          delivery.getPart().stream()
              .filter(p -> "attempt".equals(p.getName()))
              .map(ParameterRows::flat)
              .toList());
      row.put("payload", routing.payloadOf(Long.parseLong(flat.get("id"))).orElse(""));
      rows.add(row);
    }
    return rows;
  }

  /** Every version of the referral's Tasks, oldest first. */
  private List<Map<String, String>> taskHistory(String reference) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(Task.SP_FOCUS, new ReferenceParam(reference));
    List<Map<String, String>> rows = new ArrayList<>();
    for (IBaseResource found : search(Task.class, map)) {
      List<IBaseResource> versions =
          new ArrayList<>(
              daoRegistry
                  .getResourceDao(Task.class)
                  .history(
                      found.getIdElement().toUnqualifiedVersionless(),
                      null,
                      null,
                      null,
                      new SystemRequestDetails())
                  .getAllResources());
      // History answers newest first.
      java.util.Collections.reverse(versions);
      for (IBaseResource version : versions) {
        Task task = (Task) version;
        Map<String, String> row = new LinkedHashMap<>();
        row.put("task", task.getIdElement().toUnqualifiedVersionless().getIdPart());
        row.put("version", task.getIdElement().getVersionIdPart());
        row.put("updated", String.valueOf(task.getMeta().getLastUpdatedElement().asStringValue()));
        row.put("status", task.getStatus() == null ? "" : task.getStatus().toCode());
        row.put("businessStatus", task.getBusinessStatus().getText());
        row.put("owner", task.getOwner().getDisplay());
        rows.add(row);
      }
    }
    return rows;
  }

  /** The young person's audit records that name this referral. */
  private List<Map<String, String>> auditRecords(String patient) {
    if (patient == null) {
      return List.of();
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (AuditEvent event : auditTrail.search(AuditQuery.ofPatient(patient), 0, 200)) {
      Map<String, String> row = new LinkedHashMap<>();
      row.put("recorded", event.getRecordedElement().asStringValue());
      row.put("type", event.getType().getCode());
      row.put(
          "subtype",
          event.getSubtype().stream()
              .map(c -> c.getCode())
              .reduce((a, b) -> a + ", " + b)
              .orElse(""));
      row.put("action", event.getAction() == null ? "" : event.getAction().toCode());
      row.put("outcome", event.getOutcome() == null ? "" : event.getOutcome().toCode());
      row.put(
          "agent",
          event.getAgent().stream()
              .map(a -> a.getWho().getIdentifier().getValue())
              .filter(v -> v != null)
              .reduce((a, b) -> a + ", " + b)
              .orElse(""));
      rows.add(row);
    }
    return rows;
  }

  private Map<String, String> summary(ServiceRequest referral) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("id", referral.getIdElement().getIdPart());
    row.put("authoredOn", referral.getAuthoredOnElement().asStringValue());
    row.put("status", referral.getStatus() == null ? "" : referral.getStatus().toCode());
    row.put("priority", referral.getPriority() == null ? "" : referral.getPriority().toCode());
    row.put(
        "pathway",
        referral.getCategory().stream()
            .flatMap(c -> c.getCoding().stream())
            .map(c -> c.hasDisplay() ? c.getDisplay() : c.getCode())
            .reduce((a, b) -> a + ", " + b)
            .orElse(""));
    row.put("requester", referral.getRequester().getDisplay());
    return row;
  }

  private List<Map<String, String>> summaries(List<IBaseResource> referrals) {
    return referrals.stream().map(r -> summary((ServiceRequest) r)).toList();
  }

  private List<IBaseResource> search(
      Class<? extends org.hl7.fhir.r4.model.Resource> type, SearchParameterMap map) {
    return daoRegistry
        .getResourceDao(type)
        .search(map, new SystemRequestDetails())
        .getAllResources();
  }
}
