package org.cypmh.gateway.directory;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cypmh.gateway.storage.PackagedResources;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Seeds the service directory (Organization, HealthcareService, Location, Endpoint) from the Bundle
 * files beside the routes: {@code <routes.folder>/directory/*.json}, or the packaged demo
 * directory. Resources have fixed ids and are stored only when changed, so edits made through the
 * FHIR API to resources not in the files survive restarts; a file edit wins over an API edit of the
 * same resource. {@code ${...}} placeholders are resolved from configuration (e.g. partner base
 * URLs).
 */
@Component
@Order(3)
class DirectoryBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(DirectoryBootstrap.class);

  private final RoutesProperties routes;
  private final PackagedResources packagedResources;
  private final FhirContext fhirContext;
  private final Environment environment;

  DirectoryBootstrap(
      RoutesProperties routes,
      PackagedResources packagedResources,
      FhirContext fhirContext,
      Environment environment) {
    this.routes = routes;
    this.packagedResources = packagedResources;
    this.fhirContext = fhirContext;
    this.environment = environment;
  }

  @Override
  public void run(ApplicationArguments args) {
    int stored = 0;
    int total = 0;
    for (String file : directoryFiles()) {
      Bundle bundle =
          fhirContext
              .newJsonParser()
              .parseResource(Bundle.class, environment.resolveRequiredPlaceholders(file));
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        total++;
        if (packagedResources.storeIfChanged((Resource) entry.getResource())) {
          stored++;
        }
      }
    }
    log.info("service directory ready: {} resources, {} stored or updated", total, stored);
  }

  private List<String> directoryFiles() {
    List<String> files = new ArrayList<>();
    if (routes.folder() != null) {
      Path folder = routes.folder().resolve("directory");
      if (!Files.isDirectory(folder)) {
        return files;
      }
      try (Stream<Path> listing = Files.list(folder)) {
        for (Path path : listing.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
          files.add(Files.readString(path));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return files;
    }
    try {
      for (var resource :
          new PathMatchingResourcePatternResolver()
              .getResources("classpath:routes/demo/directory/*.json")) {
        files.add(resource.getContentAsString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
