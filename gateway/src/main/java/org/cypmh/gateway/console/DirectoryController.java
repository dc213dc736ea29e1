package org.cypmh.gateway.console;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The service directory: services, their endpoints and coverage, searchable by name. (The query
 * names a service, never a person, so it may be in the URL.)
 */
@Controller
class DirectoryController {

  private final DaoRegistry daoRegistry;

  DirectoryController(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  @GetMapping("/console/directory")
  String directory(@RequestParam(name = "q", required = false) String query, Model model) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.setLoadSynchronousUpTo(500);
    if (query != null && !query.isBlank()) {
      map.add(HealthcareService.SP_NAME, new StringParam(query.trim()).setContains(true));
    }
    List<Map<String, String>> services =
        daoRegistry
            .getResourceDao(HealthcareService.class)
            .search(map, new SystemRequestDetails())
            .getAllResources()
            .stream()
            .map(r -> row((HealthcareService) r))
            .toList();
    model.addAttribute("q", query == null ? "" : query);
    model.addAttribute("services", services);
    return "console/directory";
  }

  private static Map<String, String> row(HealthcareService service) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put(
        "id",
        service.getIdentifier().stream()
            .map(Identifier::getValue)
            .collect(Collectors.joining(", ")));
    row.put("name", service.getName());
    row.put("active", String.valueOf(service.getActive()));
    row.put("provider", service.getProvidedBy().getDisplay());
    row.put("type", texts(service.getType()));
    row.put(
        "coverage",
        service.getCoverageArea().stream()
            .map(r -> r.hasDisplay() ? r.getDisplay() : r.getReference())
            .collect(Collectors.joining(", ")));
    row.put(
        "endpoints",
        service.getEndpoint().stream()
            .map(Reference::getReference)
            .collect(Collectors.joining(", ")));
    return row;
  }

  private static String texts(List<CodeableConcept> concepts) {
    return concepts.stream()
        .flatMap(c -> c.getCoding().stream())
        .map(c -> c.hasDisplay() ? c.getDisplay() : c.getCode())
        .collect(Collectors.joining(", "));
  }
}
