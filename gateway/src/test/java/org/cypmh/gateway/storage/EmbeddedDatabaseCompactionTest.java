package org.cypmh.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded file is compacted while in use, with every commit still written before it returns:
 * the real H2 engine, written the way the gateway writes (many small transactions).
 */
class EmbeddedDatabaseCompactionTest {

  @TempDir Path dir;

  @Test
  void aFileFragmentedBySmallCommitsIsCompactedWhileOpen() throws Exception {
    // H2 rewrites only chunks older than its retention time (45 s by default, as in the gateway).
    JdbcDataSource dataSource = h2(dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=0");
    try (Connection holder = dataSource.getConnection()) {
      fragment(dataSource);
      EmbeddedDatabaseCompaction compaction = new EmbeddedDatabaseCompaction(dataSource);
      compaction.start();
      try {
        int before = compaction.chunksFillRate().orElseThrow();
        assertThat(before).isLessThan(EmbeddedDatabaseCompaction.TARGET_FILL_RATE);

        // The gateway commits all the time; H2 frees the rewritten chunks at a later commit.
        int moved = 0;
        for (int round = 0; round < 20; round++) {
          moved += compaction.compactOnce() ? 1 : 0;
          touch(dataSource);
        }

        assertThat(moved).isPositive();
        assertThat(compaction.chunksFillRate().orElseThrow())
            .isGreaterThanOrEqualTo(EmbeddedDatabaseCompaction.TARGET_FILL_RATE);
        assertThat(rows(dataSource)).isEqualTo(200);
      } finally {
        compaction.stop();
      }
    }
  }

  @Test
  void anInMemoryDatabaseIsLeftAlone() throws Exception {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:compaction-test;DB_CLOSE_DELAY=-1");
    EmbeddedDatabaseCompaction compaction = new EmbeddedDatabaseCompaction(dataSource);

    compaction.start();

    assertThat(compaction.isRunning()).isFalse();
    assertThat(compaction.chunksFillRate()).isEmpty();
    assertThat(compaction.compactOnce()).isFalse();
  }

  private static JdbcDataSource h2(String path) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL("jdbc:h2:file:" + path);
    dataSource.setUser("sa");
    return dataSource;
  }

  /** 200 rows of 2 KB, each then updated 30 times in its own transaction. */
  private static void fragment(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement ddl = connection.createStatement()) {
      ddl.execute("create table t (id int primary key, body varchar(4000), n int)");
      try (PreparedStatement insert =
          connection.prepareStatement("insert into t values (?, repeat('x', 2000), 0)")) {
        for (int id = 0; id < 200; id++) {
          insert.setInt(1, id);
          insert.executeUpdate();
        }
      }
      try (PreparedStatement update =
          connection.prepareStatement("update t set n = n + 1 where id = ?")) {
        for (int i = 0; i < 6000; i++) {
          update.setInt(1, i % 200);
          update.executeUpdate();
        }
      }
    }
  }

  private static void touch(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement update = connection.createStatement()) {
      update.executeUpdate("update t set n = n where id = 0");
    }
  }

  private static int rows(JdbcDataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement query = connection.createStatement();
        var result = query.executeQuery("select count(*) from t where n = 30")) {
      result.next();
      return result.getInt(1);
    }
  }
}
