package org.cypmh.gateway.validation;

import org.cypmh.gateway.storage.PackagedResources;
import org.cypmh.profiles.api.ConformancePackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Publishes the CYPMH StructureDefinitions as resources ({@code GET
 * /fhir/StructureDefinition?url=...}), so partners can read what they are validated against and
 * {@code $validate} on a resource that claims one of our profiles finds it.
 */
@Component
@Order(2)
@ConditionalOnProperty(
    name = "gateway.validation.enabled",
    havingValue = "true",
    matchIfMissing = true)
class ConformanceBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(ConformanceBootstrap.class);

  private final PackagedResources packagedResources;
  private final ConformancePackage conformance;

  ConformanceBootstrap(PackagedResources packagedResources, ConformancePackage conformance) {
    this.packagedResources = packagedResources;
    this.conformance = conformance;
  }

  @Override
  public void run(ApplicationArguments args) {
    long changed =
        conformance.structureDefinitions().stream()
            .filter(packagedResources::storeIfChanged)
            .count();
    log.info(
        "conformance ready: {} profiles, {} stored or updated",
        conformance.structureDefinitions().size(),
        changed);
  }
}
