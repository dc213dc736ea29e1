package org.cypmh.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Tells a request that failed because the database could not be reached (down, restarting, network
 * cut, connection pool timed out waiting for a connection) from any other failure. Such a request
 * is worth repeating in a moment, so it is answered 503 with {@code Retry-After}, not 500.
 */
final class DatabaseUnreachable {

  /**
   * What the root cause says when HAPI's search threads fail: HAPI keeps only the root cause's
   * message (as an {@code InternalErrorException}), not the exception chain. These are Hikari's
   * pool timeout and the PostgreSQL driver's lost or refused connection.
   */
  private static final List<String> LOST_CONNECTION_MESSAGES =
      List.of(
          "Connection is not available, request timed out",
          "Unable to acquire JDBC Connection",
          "Could not open JPA EntityManager",
          "The connection attempt failed",
          "Connection is closed",
          "Broken pipe",
          "Connection reset",
          "An I/O error occurred while sending to the backend",
          "This connection has been closed",
          "terminating connection due to administrator command",
          "the database system is starting up",
          "the database system is shutting down");

  private static final int MAX_CAUSES = 32;

  /** Where HAPI rethrows, in the request thread, a search its search thread could not run. */
  private static final String FAILED_SEARCH_CHECK =
      "verifySearchHasntFailedOrThrowInternalErrorException";

  private DatabaseUnreachable() {}

  /** True when the failure, or anything that caused it, is a database connection failure. */
  static boolean causedIt(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
      if (isConnectionFailure(cause)) {
        return true;
      }
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    return false;
  }

  private static boolean isConnectionFailure(Throwable cause) {
    if (cause instanceof CannotCreateTransactionException
        || cause instanceof CannotGetJdbcConnectionException
        || cause instanceof DataAccessResourceFailureException
        || cause instanceof org.hibernate.exception.JDBCConnectionException
        || cause instanceof SQLTransientConnectionException
        || cause instanceof SQLNonTransientConnectionException) {
      return true;
    }
    if (cause instanceof org.hibernate.TransactionException
        && cause.getCause() instanceof SQLException sql
        && (sql.getSQLState() == null || isConnectionState(sql.getSQLState()))) {
      // Commit or rollback could not reach the database (Hikari's closed-connection error has no
      // state): the transaction's outcome is unknown, and repeating a referral is safe.
      return true;
    }
    if (cause instanceof SQLException sql && sql.getSQLState() != null) {
      // SQL state class 08: connection exception; 57P01-57P03: the server is going or not there.
      return isConnectionState(sql.getSQLState());
    }
    if (cause instanceof BaseServerResponseException hapi && hapi.getStatusCode() >= 500) {
      return quotesLostConnection(hapi.getMessage())
          || (isFailedSearch(hapi) && (hapi.getMessage() == null || hapi.getMessage().isBlank()));
    }
    return false;
  }

  private static boolean isConnectionState(String state) {
    return state.startsWith("08") || state.startsWith("57P0");
  }

  /**
   * A search HAPI's search thread failed, with no message left: its root cause was a bare network
   * failure (an end of stream or a reset socket carry no message).
   */
  private static boolean isFailedSearch(Throwable exception) {
    for (StackTraceElement frame : exception.getStackTrace()) {
      if (FAILED_SEARCH_CHECK.equals(frame.getMethodName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean quotesLostConnection(String message) {
    if (message == null) {
      return false;
    }
    return LOST_CONNECTION_MESSAGES.stream().anyMatch(message::contains)
        || (message.contains("Connection to ") && message.contains(" refused"));
  }
}
