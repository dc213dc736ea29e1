package org.cypmh.routes;

import ca.uhn.fhir.context.support.IValidationSupport;
import org.cypmh.routes.api.RoutesProperties;
import org.cypmh.routes.directory.DirectoryProperties;
import org.cypmh.routes.routing.RouteFilesProperties;
import org.cypmh.terminology.api.ValueSetMembership;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The routing engine, for the application to import. */
@Configuration(proxyBeanMethods = false)
@ComponentScan
@EnableConfigurationProperties({
  RoutesProperties.class,
  DirectoryProperties.class,
  RouteFilesProperties.class
})
public class RoutingConfig {

  /** Package holding the routing engine's JPA entities, for the entity manager to scan. */
  public static final String ENTITY_PACKAGE = "org.cypmh.routes";

  @Bean
  ValueSetMembership valueSetMembership(IValidationSupport validationSupport) {
    return ValueSetMembership.using(validationSupport);
  }
}
