package org.cypmh.gateway.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A second start on a data folder in use: one line naming the folder and the lock. */
class DataFolderInUseAnalyzerTest {

  @TempDir Path dir;

  @Test
  void theFolderLockIsNamed() {
    Path folder = dir.resolve("data");
    FailureAnalysis analysis =
        new DataFolderInUseAnalyzer()
            .analyze(new DataFolderInUseException(folder, folder.resolve("gateway.lock")));

    assertThat(analysis.getDescription())
        .isEqualTo(
            "The data folder "
                + folder
                + " is in use by another gateway process (lock "
                + folder.resolve("gateway.lock")
                + ")");
    assertThat(analysis.getAction()).contains("GATEWAY_DATA_DIR");
  }

  @Test
  void h2sFileLockDeepInTheCauseChainIsNamed() {
    SQLException locked =
        new SQLException(
            "Database may be already in use: \"/srv/data/h2/gateway.mv.db\". Possible solutions:"
                + " close all other connection(s); use the server mode [90020-232]\nmore",
            "90020",
            90020);
    FailureAnalysis analysis =
        new DataFolderInUseAnalyzer()
            .analyze(
                new BeanCreationException(
                    "entityManagerFactory", "failed", new IllegalStateException(locked)));

    assertThat(analysis.getDescription())
        .startsWith("The H2 database is in use by another gateway process (H2 file lock:")
        .contains("/srv/data/h2/gateway.mv.db")
        .doesNotContain("\n");
  }

  @Test
  void otherFailuresAreLeftToSpringBoot() {
    assertThat(new DataFolderInUseAnalyzer().analyze(new IllegalStateException("other"))).isNull();
  }

  @Test
  void gatewaysInOneJvmShareTheFolder() {
    DataFolderLock.lock(dir.resolve("shared"));

    assertThatCode(() -> DataFolderLock.lock(dir.resolve("shared"))).doesNotThrowAnyException();
    assertThat(dir.resolve("shared/gateway.lock")).exists();
  }
}
