package org.cypmh.gateway.storage;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.cypmh.routes.RoutingConfig;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.orm.jpa.JpaProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI's JPA storage (R4) on the configured data source, with Hibernate Search for {@code _text}
 * and {@code _content}. Hibernate settings come from {@code spring.jpa.properties.*} in the
 * profile's yaml (dialect, Hibernate Search backend).
 */
@Configuration(proxyBeanMethods = false)
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionChannelConfig.class,
  ThreadPoolFactoryConfig.class
})
@EnableConfigurationProperties({JpaProperties.class, SchemaProperties.class})
class StorageConfig {

  /**
   * The schema, migrated or checked before the entity manager factory is built (which depends on
   * this bean): Hibernate only validates it.
   */
  @Bean
  SchemaMigrations schemaMigrations(DataSource dataSource, SchemaProperties schema) {
    SchemaMigrations migrations = new SchemaMigrations(dataSource);
    if (schema.migrateOnStart()) {
      migrations.migrate();
    } else {
      migrations.verify();
    }
    return migrations;
  }

  @Bean
  JpaStorageSettings jpaStorageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    settings.setAllowExternalReferences(false);
    settings.setAllowMultipleDelete(false);
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    settings.setHibernateSearchIndexFullText(true);
    settings.setDefaultSearchParamsCanBeOverridden(false);
    // Referrers poll their Tasks; a cached search result would show them a stale status.
    settings.setReuseCachedSearchResultsForMillis(null);
    // HAPI's scheduled pre-expansion reads terminology concepts through Hibernate Search. The
    // Lucene index is local to each node, so a node that did not write the concepts stored empty
    // expansions in the shared database, and every node then refused valid codes. Validation
    // expands in memory from the database instead, the same on every node.
    settings.setEnableTaskPreExpandValueSets(false);
    // Nothing searches tokens with :text (the display text of codes); indexing it wrote a string
    // index row per coding of every stored resource (issue 25).
    settings.setSuppressStringIndexingInTokens(true);
    return settings;
  }

  @Bean
  PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Primary
  @Bean
  LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource,
      JpaProperties jpaProperties,
      SchemaMigrations schemaMigrations) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    Map<String, Object> properties = new HashMap<>(hibernateDefaults());
    properties.putAll(jpaProperties.getProperties());
    // The gateway's own tables (outbox, deliveries) share HAPI's persistence unit, so they are
    // written in the same database transaction as the resources they describe.
    factory.setPackagesToScan(
        "ca.uhn.fhir.jpa.model.entity",
        "ca.uhn.fhir.jpa.entity",
        "org.cypmh.gateway",
        RoutingConfig.ENTITY_PACKAGE);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setJpaPropertyMap(properties);
    factory.setDataSource(dataSource);
    return factory;
  }

  @Primary
  @Bean
  JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  private static Map<String, String> hibernateDefaults() {
    return Map.of(
        "hibernate.archive.scanner", "org.hibernate.boot.archive.scan.internal.DisabledScanner",
        // Migrations own the schema (SchemaMigrations); a mapped column without a script fails
        // here.
        "hibernate.hbm2ddl.auto", "validate",
        "hibernate.hbm2ddl.schema_filter_provider", GatewayTablesOnly.class.getName(),
        "hibernate.jdbc.batch_size", "20",
        "hibernate.cache.use_query_cache", "false",
        "hibernate.cache.use_second_level_cache", "false",
        "hibernate.format_sql", "false",
        "hibernate.show_sql", "false");
  }
}
