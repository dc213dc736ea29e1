package org.cypmh.gateway.storage;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrationStorageSvc;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationTaskList;
import ca.uhn.fhir.jpa.migrate.dao.HapiMigrationDao;
import ca.uhn.fhir.jpa.migrate.taskdef.BaseTask;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.jpa.migrate.tasks.api.TaskFlagEnum;
import ca.uhn.fhir.util.VersionEnum;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database schema of this release: HAPI's tables through HAPI's own migrator (as HAPI upgrades
 * between its releases, history in {@value #HAPI_HISTORY}), the gateway's {@code GW_*} tables
 * through Flyway ({@code db/gateway/<h2|postgresql>/V*.sql}, history in {@value #GATEWAY_HISTORY}).
 * Either migrates, or checks that the schema is exactly the one this release knows and otherwise
 * refuses with what to run.
 */
public final class SchemaMigrations {

  static final String HAPI_HISTORY = "FLY_HFJ_MIGRATION";
  static final String GATEWAY_HISTORY = "GW_SCHEMA_HISTORY";

  /** How an operator migrates a production database (README "Upgrading"). */
  static final String MIGRATE_COMMAND =
      "start one node with --gateway.schema.migrate-on-start=true"
          + " (or GATEWAY_SCHEMA_MIGRATE_ON_START=true), then the others as usual";

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrations.class);

  private final DataSource dataSource;
  private final boolean postgres;

  public SchemaMigrations(DataSource dataSource) {
    this.dataSource = dataSource;
    this.postgres = isPostgres(dataSource);
  }

  /** Brings HAPI's and the gateway's tables to this release. Safe on several nodes at once. */
  public void migrate() {
    migrateHapi();
    migrateGatewayTables();
  }

  /** The gateway's own tables only (Flyway). */
  void migrateGatewayTables() {
    flyway().migrate();
  }

  /**
   * Refuses a schema this release does not know: migrations not yet applied, or applied by a newer
   * release.
   */
  public void verify() {
    List<String> problems = new ArrayList<>();
    HapiMigrationDao history = new HapiMigrationDao(dataSource, driverType(), HAPI_HISTORY);
    MigrationTaskList known = hapiTasks();
    if (hasTable(HAPI_HISTORY)) {
      // HAPI's migrator skips its heavyweight tasks (large data rewrites HAPI lets an operator run
      // separately) and records nothing for them, so they are not missing migrations.
      List<BaseTask> pending =
          Arrays.stream(new HapiMigrationStorageSvc(history).diff(known).toTaskArray())
              .filter(task -> !task.isHeavyweightSkippableTask())
              .toList();
      if (!pending.isEmpty()) {
        problems.add(
            "HAPI FHIR migrations not applied: "
                + pending.size()
                + " (the first "
                + pending.get(0).getMigrationVersion()
                + ", the last "
                + pending.get(pending.size() - 1).getMigrationVersion()
                + ")");
      }
      Set<MigrationVersion> unknown = new TreeSet<>(history.fetchSuccessfulMigrationVersions());
      known.forEach(
          task -> unknown.remove(MigrationVersion.fromVersion(task.getMigrationVersion())));
      if (!unknown.isEmpty()) {
        problems.add("HAPI FHIR migrations from a newer release: " + unknown);
      }
    } else {
      problems.add("HAPI FHIR migrations not applied: all " + known.size());
    }
    for (MigrationInfo info : flyway().info().all()) {
      if (info.getState() == MigrationState.PENDING) {
        problems.add("gateway migration not applied: " + describe(info));
      } else if (info.getState().name().startsWith("FUTURE")) {
        problems.add("gateway migration from a newer release: " + describe(info));
      } else if (info.getState().isFailed()) {
        problems.add("gateway migration failed earlier: " + describe(info));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "The database schema is not the one this release expects: "
              + String.join("; ", problems)
              + ". To migrate it, "
              + MIGRATE_COMMAND
              + ". A schema from a newer release needs that release.");
    }
  }

  private void migrateHapi() {
    HapiMigrator migrator = new HapiMigrator(HAPI_HISTORY, dataSource, driverType());
    boolean createdByHibernate = hasTable("HFJ_RESOURCE") && !hasTable(HAPI_HISTORY);
    migrator.createMigrationTableIfRequired();
    MigrationTaskList tasks = hapiTasks();
    if (createdByHibernate) {
      // Releases before schema migrations let Hibernate create HAPI's tables from HAPI 8.8.0's
      // entities: that schema is already the one HAPI's tasks up to 8.8.0 build, so they are
      // recorded as applied without running (HAPI's way of baselining), like Flyway's baseline.
      log.info("HAPI FHIR tables created by an earlier release: recording HAPI's migrations");
      tasks.forEach(task -> task.addFlag(TaskFlagEnum.DO_NOTHING));
    }
    migrator.addTasks(tasks);
    migrator.migrate();
  }

  private DriverTypeEnum driverType() {
    return postgres ? DriverTypeEnum.POSTGRES_9_4 : DriverTypeEnum.H2_EMBEDDED;
  }

  private static MigrationTaskList hapiTasks() {
    return new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values());
  }

  private Flyway flyway() {
    // A database of a release before migrations has the GW_ tables but no history: that is V1.
    // Otherwise (an empty database, or only HAPI's tables) every script runs.
    boolean createdByHibernate = hasTable("GW_PARTNER") && !hasTable(GATEWAY_HISTORY);
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/gateway/" + (postgres ? "postgresql" : "h2"))
        .table(GATEWAY_HISTORY)
        .baselineOnMigrate(true)
        .baselineVersion(createdByHibernate ? "1" : "0")
        .baselineDescription(
            createdByHibernate ? "tables of the release before migrations" : "empty")
        .validateOnMigrate(true)
        .load();
  }

  private boolean hasTable(String name) {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      for (String candidate : Set.of(name, name.toLowerCase())) {
        try (ResultSet tables =
            metaData.getTables(null, connection.getSchema(), candidate, new String[] {"TABLE"})) {
          if (tables.next()) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot read the database's tables", e);
    }
  }

  private static boolean isPostgres(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot reach the database", e);
    }
  }

  private static String describe(MigrationInfo info) {
    return "V" + info.getVersion() + " " + info.getDescription();
  }
}
