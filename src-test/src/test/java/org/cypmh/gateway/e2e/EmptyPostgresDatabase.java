package org.cypmh.gateway.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A new, empty database on the PostgreSQL server the tests run against (default {@code
 * 127.0.0.1:5432}, trust auth, admin database {@code test}; override with {@code
 * GATEWAY_TEST_PG_URL} / {@code GATEWAY_TEST_PG_USER}). Dropped when the JVM exits.
 */
record EmptyPostgresDatabase(String adminUrl, String user, String name) {

  static EmptyPostgresDatabase create() {
    String adminUrl =
        System.getenv()
            .getOrDefault("GATEWAY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    String user =
        System.getenv().getOrDefault("GATEWAY_TEST_PG_USER", System.getProperty("user.name"));
    String name = "cypmh_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    EmptyPostgresDatabase database = new EmptyPostgresDatabase(adminUrl, user, name);
    database.execute("CREATE DATABASE " + name);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> database.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")));
    return database;
  }

  String jdbcUrl() {
    return adminUrl.substring(0, adminUrl.lastIndexOf('/') + 1) + name;
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl, user, "")) {
      connection.createStatement().execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + adminUrl + " is needed for this test: " + e.getMessage(), e);
    }
  }
}
