package org.cypmh.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

/**
 * A GW_ entity changed without a migration script fails the build here: Hibernate validates the
 * gateway's entities against the tables the Flyway scripts build, as the gateway does at start.
 */
class GatewayTablesMatchMigrationsTest {

  private final DataSource dataSource = newH2();

  @Test
  void theGatewaysEntitiesMatchTheTablesItsScriptsBuild() {
    new SchemaMigrations(dataSource).migrateGatewayTables();

    LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
    factory.setDataSource(dataSource);
    factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
    factory.setPackagesToScan("org.cypmh.gateway", "org.cypmh.routes");
    factory.setPersistenceUnitName("gateway-tables");
    factory.setJpaPropertyMap(
        Map.of(
            "hibernate.dialect", "ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect",
            "hibernate.hbm2ddl.auto", "validate",
            "hibernate.hbm2ddl.schema_filter_provider", GatewayTablesOnly.class.getName()));
    factory.afterPropertiesSet();

    assertThat(factory.getObject().getMetamodel().getEntities()).hasSizeGreaterThanOrEqualTo(10);
    factory.destroy();
  }

  @Test
  void refusesASchemaWithPendingMigrationsNamingTheCommand() {
    assertThatThrownBy(() -> new SchemaMigrations(dataSource).verify())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HAPI FHIR migrations not applied")
        .hasMessageContaining("gateway migration not applied: V1 baseline")
        .hasMessageContaining("--gateway.schema.migrate-on-start=true");
  }

  private static DataSource newH2() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    return h2;
  }
}
