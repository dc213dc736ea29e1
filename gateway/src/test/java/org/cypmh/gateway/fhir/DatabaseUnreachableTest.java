package org.cypmh.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.hibernate.exception.JDBCConnectionException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;

/** Which failures mean "the database is unreachable, try again shortly", and how they answer. */
class DatabaseUnreachableTest {

  @Test
  void aConnectionPoolTimeoutWrappedBySpringAndHapiIsUnreachable() {
    var poolTimeout =
        new SQLTransientConnectionException(
            "HikariPool-1 - Connection is not available, request timed out after 3001ms");
    var spring =
        new CannotCreateTransactionException("Could not open JPA EntityManager", poolTimeout);

    assertThat(DatabaseUnreachable.causedIt(spring)).isTrue();
    assertThat(DatabaseUnreachable.causedIt(new InternalErrorException(spring))).isTrue();
  }

  @Test
  void aConnectionLostInTheMiddleOfAStatementIsUnreachable() {
    var io = new SQLException("An I/O error occurred while sending to the backend.", "08006");
    assertThat(DatabaseUnreachable.causedIt(new JDBCConnectionException("could not execute", io)))
        .isTrue();
    assertThat(DatabaseUnreachable.causedIt(new RuntimeException(io))).isTrue();
  }

  @Test
  void aCommitThatCannotReachTheDatabaseIsUnreachable() {
    var closed = new SQLException("Connection is closed");
    assertThat(
            DatabaseUnreachable.causedIt(
                new org.hibernate.TransactionException("Unable to commit", closed)))
        .isTrue();
    var serialization = new SQLException("could not serialize access", "40001");
    assertThat(
            DatabaseUnreachable.causedIt(
                new org.hibernate.TransactionException("Unable to commit", serialization)))
        .isFalse();
  }

  @Test
  void aServerShuttingDownIsUnreachable() {
    var shutdown = new SQLException("terminating connection", "57P01");
    assertThat(DatabaseUnreachable.causedIt(new RuntimeException(shutdown))).isTrue();
  }

  @Test
  void hapisSearchThreadFailureKeepsOnlyTheMessageAndIsStillRecognised() {
    assertThat(
            DatabaseUnreachable.causedIt(
                new InternalErrorException(
                    "HikariPool-1 - Connection is not available, request timed out after 3000ms.")))
        .isTrue();
    assertThat(
            DatabaseUnreachable.causedIt(
                new InternalErrorException(
                    "Connection to 127.0.0.1:41234 refused. Check that the hostname and port are"
                        + " correct and that the postmaster is accepting TCP/IP connections.")))
        .isTrue();
  }

  @Test
  void otherFailuresAreNot() {
    assertThat(DatabaseUnreachable.causedIt(new NullPointerException())).isFalse();
    assertThat(
            DatabaseUnreachable.causedIt(
                new DataIntegrityViolationException(
                    "duplicate key", new SQLException("duplicate key", "23505"))))
        .isFalse();
    assertThat(DatabaseUnreachable.causedIt(new InternalErrorException("Unexpected failure")))
        .isFalse();
    // A client error quoting the words is still the client's error.
    assertThat(
            DatabaseUnreachable.causedIt(
                new InvalidRequestException("Connection is not available, request timed out")))
        .isFalse();
  }

  @Test
  void aCauseThatIsItsOwnCauseEnds() {
    RuntimeException loop =
        new RuntimeException() {
          @Override
          public synchronized Throwable getCause() {
            return this;
          }
        };
    assertThat(DatabaseUnreachable.causedIt(loop)).isFalse();
  }

  @Test
  void theAnswerIs503TransientWithRetryAfterAndNoInternals() {
    BaseServerResponseException answer = ClientSafeErrors.databaseUnavailable();

    assertThat(answer.getStatusCode()).isEqualTo(503);
    assertThat(answer.getResponseHeaders()).containsKey("Retry-After");
    assertThat(answer.getResponseHeaders().get("Retry-After")).containsExactly("5");
    OperationOutcome outcome = (OperationOutcome) answer.getOperationOutcome();
    assertThat(outcome.getIssueFirstRep().getCode())
        .isEqualTo(OperationOutcome.IssueType.TRANSIENT);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .doesNotContain("Exception", "org.", "Hikari", "jdbc");
  }
}
