package org.cypmh.gateway.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file compact while the gateway runs. The gateway has H2 write every commit
 * before answering ({@code WRITE_DELAY=0}: an acknowledged referral survives a crash), and with
 * that setting H2 starts no background writer, which is the only thing that ever rewrites its
 * half-empty chunks. Without it the file held 7,000 chunks a tenth full after 6,000 referrals (4
 * GB), and every commit had to rewrite the bookkeeping of the many chunks its changed pages came
 * from, which became the largest single cost of a referral (issue 25). This does what H2's
 * background writer would do, once a second, through H2's own {@link MVStore#compact}: rewrite the
 * live pages of the emptiest chunks so the rest can be freed. It does nothing for PostgreSQL or an
 * in-memory database.
 */
@Component
class EmbeddedDatabaseCompaction implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseCompaction.class);

  /** Chunks fuller than this are left alone. H2's own housekeeping aims at the same rate. */
  static final int TARGET_FILL_RATE = 50;

  /** At most this much live data is moved per round, so one round stays short. */
  static final int BYTES_PER_ROUND = 4 * 1024 * 1024;

  private final DataSource dataSource;
  private ScheduledExecutorService scheduler;

  EmbeddedDatabaseCompaction(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public synchronized void start() {
    if (embeddedFileStore().isEmpty()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "h2-compaction");
              thread.setDaemon(true);
              // Background work, like routing and delivery (routes' BackgroundThreads).
              thread.setPriority(Thread.MIN_PRIORITY);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(this::compactOnce, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler == null) {
      return;
    }
    // Not shutdownNow: interrupting a thread in the middle of H2's file I/O closes the file
    // channel for every connection. A round in progress is short (BYTES_PER_ROUND); let it end.
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
  }

  @Override
  public boolean isRunning() {
    return scheduler != null;
  }

  /** Rewrites the emptiest chunks, if any are below the target; true if it moved anything. */
  boolean compactOnce() {
    try {
      // Looked up each time (through the pool): the store of a database closed and opened again
      // is a new one.
      return embeddedFileStore()
          .map(store -> store.compact(TARGET_FILL_RATE, BYTES_PER_ROUND))
          .orElse(false);
    } catch (RuntimeException e) {
      // Next round tries again; the database itself reports real trouble to its callers.
      log.warn("Embedded database compaction failed: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  /** How full the embedded file's chunks are, in percent, or empty for any other database. */
  Optional<Integer> chunksFillRate() {
    return embeddedFileStore().map(store -> store.getFileStore().getChunksFillRate());
  }

  private Optional<MVStore> embeddedFileStore() {
    try (Connection connection = dataSource.getConnection()) {
      if (!connection.isWrapperFor(JdbcConnection.class)) {
        return Optional.empty();
      }
      if (!(connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local)) {
        return Optional.empty();
      }
      MVStore mvStore = local.getDatabase().getStore().getMvStore();
      return mvStore.isClosed()
              || mvStore.getFileStore() == null
              || mvStore.getFileStore().getFileName() == null
          ? Optional.empty()
          : Optional.of(mvStore);
    } catch (SQLException e) {
      log.warn("Embedded database compaction not started: {}", e.getClass().getSimpleName());
      return Optional.empty();
    }
  }
}
