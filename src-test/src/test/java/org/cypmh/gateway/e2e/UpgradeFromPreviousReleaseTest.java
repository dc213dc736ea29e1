package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.cypmh.gateway.GatewayApplication;
import org.cypmh.gateway.storage.SchemaMigrations;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * A PostgreSQL database of the release before schema migrations (its schema, seeded data, two
 * referrals with their Tasks, one delivered after five failed calls and one still retrying, and
 * sealed audit records, dumped as src-test/README.md "Upgrade dump" says) is refused as it is, then
 * migrated by this release; every stored resource, delivery (state, calls, due time), gateway row
 * and audit record survives and the audit trail still verifies.
 */
class UpgradeFromPreviousReleaseTest {

  private static final String DUMP = "/upgrade/previous-release-postgresql.sql.gz";
  private static final String KEYS = "/upgrade/previous-release-audit.p12";
  private static final String KEYS_PASSWORD = "test-only-prev";

  @TempDir Path root;

  @Test
  void aPreviousReleaseDatabaseIsMigratedAndKeepsItsRecords() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    load(database);
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(database.jdbcUrl());
    dataSource.setUser(database.user());
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    Map<String, Integer> before = counts(jdbc);
    java.util.List<Map<String, Object>> sealedBefore = sealed(jdbc);
    assertThat(sealedBefore).isNotEmpty();

    assertThatThrownBy(() -> new SchemaMigrations(dataSource).verify())
        .hasMessageContaining("HAPI FHIR migrations not applied")
        .hasMessageContaining("--gateway.schema.migrate-on-start=true");

    // Migrated as an operator would before starting this release: every delivery keeps its state,
    // its calls (the retry budget it has left) and its due time.
    List<Map<String, Object>> deliveriesBefore = deliveries(jdbc, "due_at");
    assertThat(deliveriesBefore)
        .extracting(d -> d.get("status"))
        .containsExactly("DELIVERED", "PENDING");
    new SchemaMigrations(dataSource).migrate();
    assertThat(deliveries(jdbc, "next_attempt_at")).isEqualTo(deliveriesBefore);
    List<String> referrals =
        jdbc.queryForList(
            "select res_id from HFJ_RESOURCE where res_type = 'ServiceRequest' order by res_id",
            String.class);
    assertThat(referrals).hasSize(2);

    Path keys = root.resolve("audit.p12");
    try (InputStream in = getClass().getResourceAsStream(KEYS)) {
      Files.copy(in, keys);
    }
    try (ConfigurableApplicationContext gateway =
        new SpringApplicationBuilder(GatewayApplication.class)
            .run(
                "--spring.profiles.active=postgres",
                "--GATEWAY_DB_URL=" + database.jdbcUrl(),
                "--GATEWAY_DB_USER=" + database.user(),
                "--GATEWAY_DB_PASSWORD=",
                "--GATEWAY_SCHEMA_MIGRATE_ON_START=true",
                "--server.port=0",
                "--gateway.storage.data-dir=" + root.resolve("data"),
                "--GATEWAY_AUDIT_KEYSTORE=" + keys,
                "--GATEWAY_AUDIT_KEYSTORE_PASSWORD=" + KEYS_PASSWORD,
                "--gateway.security.mode=trusted-header",
                "--gateway.security.mtls.enabled=false",
                "--gateway.demo-partners.enabled=false")) {
      int port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
      Map<String, String> verified = verify(new GatewayClient(port));

      assertThat(verified).containsEntry("intact", "true");
      // Each stored referral reads as before, with its deliveries and their attempts.
      GatewayClient client = new GatewayClient(port);
      for (String id : referrals) {
        assertThat(client.get("/fhir/ServiceRequest/" + id).statusCode()).isEqualTo(200);
      }
      String delivered =
          client.get("/fhir/$deliveries?referral=ServiceRequest/" + referrals.get(0)).body();
      assertThat(delivered).contains("\"valueCode\":\"DELIVERED\"");
      assertThat(delivered.split("\"name\":\"attempt\"", -1)).hasSize(1 + 6);
      Map<String, Integer> after = counts(jdbc);
      // Every record sealed before the upgrade is still there, unchanged, under the same seal.
      assertThat(sealed(jdbc)).containsAll(sealedBefore);
      // The start itself adds audit records, seals and resources; none of the earlier ones is lost.
      before.forEach(
          (table, rows) -> assertThat(after.get(table)).as(table).isGreaterThanOrEqualTo(rows));
    }
    new SchemaMigrations(dataSource).verify();
  }

  private static Map<String, String> verify(GatewayClient gateway) {
    Parameters result =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Parameters.class, gateway.get("/fhir/$audit-verify").body());
    return result.getParameter().stream()
        .filter(p -> p.getValue() != null)
        .collect(
            Collectors.toMap(p -> p.getName(), p -> p.getValue().primitiveValue(), (a, b) -> a));
  }

  /** Each delivery's state, calls made and due time (named as the given release names it). */
  private static List<Map<String, Object>> deliveries(JdbcTemplate jdbc, String dueColumn) {
    return jdbc.queryForList(
        "select id, status, attempts, "
            + dueColumn
            + " as due, referral, idempotency_key from GW_DELIVERY order by id");
  }

  private static java.util.List<Map<String, Object>> sealed(JdbcTemplate jdbc) {
    return jdbc.queryForList(
        "select r.id, r.mac, r.seal_no, s.seal_hash from GW_AUDIT_RECORD r"
            + " join GW_AUDIT_SEAL s on s.seal_no = r.seal_no order by r.id");
  }

  private static Map<String, Integer> counts(JdbcTemplate jdbc) {
    return java.util.stream.Stream.of(
            "HFJ_RESOURCE",
            "GW_AUDIT_RECORD",
            "GW_AUDIT_SEAL",
            "GW_PARTNER",
            "GW_DELIVERY",
            "GW_DELIVERY_ATTEMPT",
            "GW_OUTBOX_EVENT")
        .collect(
            Collectors.toMap(
                table -> table,
                table -> jdbc.queryForObject("select count(*) from " + table, Integer.class)));
  }

  /** The dump without psql's meta-commands (\restrict), which JDBC does not know. */
  private void load(EmptyPostgresDatabase database) throws SQLException {
    String sql;
    try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream(DUMP))) {
      sql =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .filter(line -> !line.startsWith("\\"))
              .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Connection connection =
        DriverManager.getConnection(database.jdbcUrl(), database.user(), "")) {
      ScriptUtils.executeSqlScript(
          connection, new ByteArrayResource(sql.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
