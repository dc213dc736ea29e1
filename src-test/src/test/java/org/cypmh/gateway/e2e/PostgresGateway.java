package org.cypmh.gateway.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import org.cypmh.gateway.GatewayApplication;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * The shared production-profile test context: the gateway on the real PostgreSQL server, on a
 * database created empty for this test run (so the gateway creates its schema itself). Every class
 * annotated with it shares the one context and the one database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ActiveProfiles("postgres")
@ContextConfiguration(initializers = {PostgresGateway.Database.class, PartnerNetwork.class})
@interface PostgresGateway {

  /** Points the gateway at the run's empty database. */
  class Database implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final EmptyPostgresDatabase DATABASE = EmptyPostgresDatabase.create();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
      context
          .getEnvironment()
          .getPropertySources()
          .addFirst(
              new MapPropertySource(
                  "postgres-test-database",
                  Map.of(
                      "GATEWAY_DB_URL",
                      DATABASE.jdbcUrl(),
                      "GATEWAY_DB_USER",
                      DATABASE.user(),
                      "GATEWAY_DB_PASSWORD",
                      "",
                      // An operator migrates a new database (README "Upgrading"); so do the tests.
                      "GATEWAY_SCHEMA_MIGRATE_ON_START",
                      "true",
                      "gateway.storage.data-dir",
                      "./target/e2e-data/" + DATABASE.name(),
                      // The production profile wants its own keystore; the test makes one.
                      "GATEWAY_AUDIT_KEYSTORE",
                      "./target/e2e-data/" + DATABASE.name() + "/keys/audit.p12",
                      "GATEWAY_AUDIT_KEYSTORE_PASSWORD",
                      "test-only-" + DATABASE.name(),
                      "gateway.audit.keys.generate",
                      "true",
                      // These tests name the partner with the ODS header (trusted-header mode).
                      "gateway.security.mode",
                      "trusted-header",
                      "gateway.security.mtls.enabled",
                      "false")));
    }
  }
}
