package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Which failures of a delivery's ledger change are a lost race for the referral's Task (retried in
 * a new transaction) and which are not (the change fails).
 */
class LostRaceTest {

  @Test
  void postgresAbortingOnTheResourceVersionIndexInsideAnInterceptorIsALostRace() {
    // As PostgreSQL reported it under a rolling restart: the losing Task version's insert, flushed
    // by an interceptor's query, aborts the transaction; the next statement reports the abort.
    SQLException duplicate =
        new SQLException(
            "ERROR: duplicate key value violates unique constraint \"idx_resver_id_ver\"", "23505");
    SQLException aborted =
        new SQLException(
            "ERROR: current transaction is aborted, commands ignored until end of transaction block",
            "25P02",
            duplicate);
    BatchUpdateException batch = new BatchUpdateException("could not execute batch", new int[0]);
    batch.setNextException(aborted);
    RuntimeException thrown =
        new InternalErrorException(
            "Exception thrown by interceptor for pointcut STORAGE_PRECOMMIT_RESOURCE_UPDATED",
            new RuntimeException("could not execute batch", batch));

    assertThat(Deliveries.lostARace(thrown)).isTrue();
  }

  @Test
  void hapisOwnConflictIsALostRace() {
    assertThat(Deliveries.lostARace(new ResourceVersionConflictException("HAPI-0550: conflict")))
        .isTrue();
  }

  @Test
  void otherUniqueViolationsAndOtherFailuresAreNot() {
    SQLException otherIndex =
        new SQLException(
            "ERROR: duplicate key value violates unique constraint \"uk_gw_route_file_version\"",
            "23505");
    assertThat(Deliveries.lostARace(new RuntimeException(otherIndex))).isFalse();
    assertThat(
            Deliveries.lostARace(
                new InternalErrorException(
                    "down", new SQLException("connection refused", "08001"))))
        .isFalse();
  }
}
