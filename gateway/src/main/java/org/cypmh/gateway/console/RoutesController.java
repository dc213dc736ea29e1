package org.cypmh.gateway.console;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cypmh.routes.api.RoutingConsole;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The loaded route files (accepted, or refused with {@code file:line}) and the route preview: a
 * pasted referral Bundle's destinations, consent decisions and payloads, nothing sent ({@code
 * $route-files}, {@code $route-preview}).
 */
@Controller
class RoutesController {

  private final RoutingConsole routing;
  private final FhirContext fhirContext;
  private final RouteTestCases testCases;

  RoutesController(RoutingConsole routing, FhirContext fhirContext, RouteTestCases testCases) {
    this.routing = routing;
    this.fhirContext = fhirContext;
    this.testCases = testCases;
  }

  @GetMapping("/console/routes")
  String routes(Model model) {
    addFiles(model);
    model.addAttribute("referral", "");
    return "console/routes";
  }

  @PostMapping("/console/routes/preview")
  String preview(@RequestParam("referral") String referral, Model model) {
    addFiles(model);
    model.addAttribute("referral", referral);
    try {
      Bundle bundle = fhirContext.newJsonParser().parseResource(Bundle.class, referral);
      Parameters preview = routing.routePreview(bundle);
      model.addAttribute("matched", ParameterRows.values(preview));
      model.addAttribute("destinations", destinations(preview));
    } catch (DataFormatException | ClassCastException e) {
      model.addAttribute("problem", "Not a FHIR JSON Bundle: " + e.getMessage());
    } catch (BaseServerResponseException e) {
      model.addAttribute("problem", e.getMessage());
    }
    return "console/routes";
  }

  /** Runs the route test cases beside the loaded route files. */
  @PostMapping("/console/routes/tests")
  String tests(Model model) {
    List<Map<String, String>> files = addFiles(model);
    model.addAttribute("referral", "");
    List<RouteTestCases.Outcome> outcomes =
        testCases.run(files.stream().map(f -> f.get("location")).toList());
    model.addAttribute("outcomes", outcomes);
    model.addAttribute("passed", outcomes.stream().filter(RouteTestCases.Outcome::passed).count());
    return "console/routes";
  }

  /** The route files' load states and where they come from ({@code folder} or {@code database}). */
  private List<Map<String, String>> addFiles(Model model) {
    Parameters routeFiles = routing.routeFiles();
    List<Map<String, String>> files = ParameterRows.named(routeFiles, "file");
    model.addAttribute("files", files);
    model.addAttribute("source", ParameterRows.values(routeFiles).get("source"));
    return files;
  }

  private List<Map<String, Object>> destinations(Parameters preview) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ParametersParameterComponent destination : preview.getParameter()) {
      if (!"destination".equals(destination.getName())) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("destination", ParameterRows.flat(destination));
      destination.getPart().stream()
          .filter(p -> "payload".equals(p.getName()) && p.hasResource())
          .findFirst()
          .ifPresent(
              p ->
                  row.put(
                      "payload",
                      fhirContext
                          .newJsonParser()
                          .setPrettyPrint(true)
                          .encodeResourceToString(p.getResource())));
      rows.add(row);
    }
    return rows;
  }
}
