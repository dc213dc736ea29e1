package org.cypmh.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.api.RoutingConsole;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.Yaml;

/**
 * The declarative route test cases written beside the loaded route files ({@code tests/*.yaml} in
 * each route file's folder, as {@code routes/demo/tests/demo-pathways.yaml}): each case's referral
 * previewed ({@code $route-preview}, nothing sent) and its destinations (exactly) and performer
 * types compared with what the case expects. The format is documented in the demo file.
 */
@Component
class RouteTestCases {

  private static final ZoneId ENGLAND = ZoneId.of("Europe/London");
  private static final String PATHWAYS =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway";
  private static final String SERVICE_TYPES =
      "https://cypmh-gateway.org/fhir/CodeSystem/cypmh-service-type";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";
  private static final String SCHOOL_URN = "https://fhir.hl7.org.uk/Id/urn-school-number";

  private final RoutingConsole routing;
  private final RoutesProperties routes;
  private final Clock clock;

  RouteTestCases(RoutingConsole routing, RoutesProperties routes, Clock clock) {
    this.routing = routing;
    this.routes = routes;
    this.clock = clock;
  }

  /** One case's outcome. */
  record Outcome(
      String file, String name, List<String> expected, List<String> actual, String problem) {
    public boolean passed() {
      return problem == null;
    }
  }

  private String importFolder() {
    return routes.folder() == null
        ? "classpath:routes/demo"
        : routes.folder().toAbsolutePath().toUri().toString();
  }

  /** Runs every case beside the given route files (their locations as {@code $route-files}). */
  List<Outcome> run(List<String> routeFileLocations) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Resource file : caseFiles(routeFileLocations)) {
      for (Map<String, Object> testCase : cases(file)) {
        outcomes.add(run(file.getFilename(), testCase));
      }
    }
    return outcomes;
  }

  @SuppressWarnings("unchecked")
  private Outcome run(String file, Map<String, Object> testCase) {
    String name = String.valueOf(testCase.get("case"));
    Map<String, Object> expect = (Map<String, Object>) testCase.getOrDefault("expect", Map.of());
    List<String> expected = (List<String>) expect.getOrDefault("destinations", List.of());
    List<ParametersParameterComponent> destinations;
    try {
      destinations =
          routing
              .routePreview(
                  referral((Map<String, Object>) testCase.getOrDefault("referral", Map.of())))
              .getParameter()
              .stream()
              .filter(p -> "destination".equals(p.getName()))
              .toList();
    } catch (RuntimeException e) {
      return new Outcome(file, name, expected, List.of(), "preview failed: " + e.getMessage());
    }
    List<String> actual =
        destinations.stream().map(d -> ParameterRows.flat(d).get("serviceId")).toList();
    if (!Set.copyOf(actual).equals(Set.copyOf(expected)) || actual.size() != expected.size()) {
      return new Outcome(file, name, expected, actual, "other destinations");
    }
    List<String> performerType = (List<String>) expect.get("performerType");
    if (performerType != null && !actual.isEmpty()) {
      List<String> sent = performerTypes(destinations.get(0));
      if (!sent.equals(performerType)) {
        return new Outcome(file, name, expected, actual, "performer types " + sent);
      }
    }
    return new Outcome(file, name, expected, actual, null);
  }

  private static List<String> performerTypes(ParametersParameterComponent destination) {
    return destination.getPart().stream()
        .filter(p -> "payload".equals(p.getName()) && p.getResource() instanceof Bundle)
        .flatMap(p -> ((Bundle) p.getResource()).getEntry().stream())
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(ServiceRequest.class::isInstance)
        .findFirst()
        .map(r -> ((ServiceRequest) r).getPerformerType().getCoding().stream())
        .orElse(java.util.stream.Stream.empty())
        .map(c -> c.getCode())
        .toList();
  }

  /** The case's referral as a provider would send it: Patient and ServiceRequest. */
  @SuppressWarnings("unchecked")
  private Bundle referral(Map<String, Object> given) {
    Patient patient = new Patient();
    int ageYears = ((Number) given.getOrDefault("ageYears", 15)).intValue();
    LocalDate born = LocalDate.now(clock.withZone(ENGLAND)).minusYears(ageYears).minusDays(30);
    patient.setBirthDate(Date.from(born.atStartOfDay(ZoneId.of("UTC")).toInstant()));
    patient.addAddress().setPostalCode("LS6 2AB");
    ServiceRequest referral = new ServiceRequest();
    referral.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
    referral.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
    referral.setPriority(
        ServiceRequestPriority.fromCode((String) given.getOrDefault("priority", "routine")));
    referral
        .addCategory()
        .addCoding()
        .setSystem(PATHWAYS)
        .setCode((String) given.getOrDefault("pathway", "general-camhs"));
    String[] referrer = ((String) given.getOrDefault("referrer", "gp:B86001")).split(":", 2);
    switch (referrer[0]) {
      case "self" -> {
        referral.getCode().addCoding().setSystem(SNOMED).setCode("310434002");
        referral.setRequester(new Reference().setType("Patient").setDisplay("the young person"));
      }
      case "gp", "org" -> referral.setRequester(organisation(ODS, referrer[1]));
      case "school" -> referral.setRequester(organisation(SCHOOL_URN, referrer[1]));
      default -> throw new IllegalArgumentException("Unknown referrer " + referrer[0]);
    }
    if (!referral.getCode().hasCoding()) {
      referral.getCode().addCoding().setSystem(SNOMED).setCode("306206005");
    }
    ((List<String>) given.getOrDefault("reasons", List.of()))
        .forEach(code -> referral.addReasonCode().addCoding().setSystem(SNOMED).setCode(code));
    if (given.containsKey("askingFor")) {
      referral
          .getPerformerType()
          .addCoding()
          .setSystem(SERVICE_TYPES)
          .setCode((String) given.get("askingFor"));
    }
    referral.setAuthoredOn(Date.from(clock.instant()));
    String patientUrl = "urn:uuid:" + UUID.randomUUID();
    referral.setSubject(new Reference(patientUrl));
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle.addEntry().setFullUrl(patientUrl).setResource(patient);
    bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(referral);
    return bundle;
  }

  private static Reference organisation(String system, String value) {
    return new Reference()
        .setType("Organization")
        .setIdentifier(new Identifier().setSystem(system).setValue(value));
  }

  private List<Resource> caseFiles(List<String> routeFileLocations) {
    Set<String> folders = new LinkedHashSet<>();
    for (String location : routeFileLocations) {
      if (!location.contains("/")) {
        // A file kept in the database: its test cases stay in the folder it was imported from,
        // under version control with the rest of the deployment.
        folders.add(importFolder());
        continue;
      }
      String folder = location.substring(0, Math.max(0, location.lastIndexOf('/')));
      folders.add(folder.startsWith("classpath:") ? folder : Path.of(folder).toUri().toString());
    }
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    List<Resource> files = new ArrayList<>();
    for (String folder : folders) {
      try {
        files.addAll(List.of(resolver.getResources(folder + "/tests/*.yaml")));
      } catch (IOException e) {
        // A folder without test cases has none to run.
      }
    }
    return files;
  }

  private static List<Map<String, Object>> cases(Resource file) {
    try (InputStream in = file.getInputStream()) {
      List<Map<String, Object>> cases = new Yaml().load(in);
      return cases == null ? List.of() : cases;
    } catch (IOException e) {
      return List.of();
    }
  }
}
