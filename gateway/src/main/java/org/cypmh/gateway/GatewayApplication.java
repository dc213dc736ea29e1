package org.cypmh.gateway;

import java.time.Clock;
import org.cypmh.routes.RoutingConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchDataAutoConfiguration;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The CYPMH gateway: a HAPI FHIR R4 JPA server at {@code /fhir} with the gateway's own intake,
 * routing, consent and audit around it.
 */
// HAPI builds its own entity manager factory (StorageConfig) and runs its own scheduler. The rest
// are
// on the classpath only as HAPI's optional extras (Elasticsearch backend, migrations). Thymeleaf
// renders the operator console (org.cypmh.gateway.console).
@SpringBootApplication(
    exclude = {
      HibernateJpaAutoConfiguration.class,
      QuartzAutoConfiguration.class,
      FlywayAutoConfiguration.class,
      ElasticsearchClientAutoConfiguration.class,
      ElasticsearchRestClientAutoConfiguration.class,
      ElasticsearchDataAutoConfiguration.class,
      ElasticsearchRepositoriesAutoConfiguration.class
    })
@ConfigurationPropertiesScan
@Import(RoutingConfig.class)
public class GatewayApplication {

  /** One clock for every time the gateway records, so tests can fix "now" (age 17y6m, periods). */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  public static void main(String[] args) {
    if (GatewayCli.handles(args)) {
      // The PKI and client-assertion commands run without starting the gateway.
      System.exit(GatewayCli.run(args));
    }
    SpringApplication.run(GatewayApplication.class, args);
  }
}
