package org.cypmh.gateway.storage;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * A start on a data folder another gateway process is using: one line naming the folder and the
 * lock instead of a stack trace. Covers the gateway's own folder lock ({@link DataFolderLock}) and,
 * should that be bypassed, H2's file lock (error 90020, "Database may be already in use").
 */
public class DataFolderInUseAnalyzer implements FailureAnalyzer {

  private static final int H2_DATABASE_ALREADY_OPEN = 90020;
  private static final String ACTION =
      "Stop the other gateway, or start this one with another data folder"
          + " (GATEWAY_DATA_DIR or gateway.storage.data-dir).";

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataFolderInUseException inUse) {
        return new FailureAnalysis(inUse.getMessage(), ACTION, inUse);
      }
      if (cause instanceof SQLException sql
          && (sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN
              || String.valueOf(sql.getMessage()).contains("Database may be already in use"))) {
        return new FailureAnalysis(
            "The H2 database is in use by another gateway process (H2 file lock: "
                + firstLine(sql.getMessage())
                + ")",
            ACTION,
            sql);
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
