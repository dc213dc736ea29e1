package org.cypmh.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import java.time.Clock;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * Whether a referral's young person awaits an NHS number trace, when the Patient was written in the
 * same FHIR transaction: decided from HAPI's record of that transaction. The trace has no DAOs
 * here, so a read back from the database would fail these tests.
 */
class NhsNumberTraceInTransactionTest {

  private final NhsNumberTrace trace = new NhsNumberTrace(null, Clock.systemUTC());

  @Test
  void patientWrittenInTheSameTransactionWithoutAnNhsNumberAwaitsTheTrace() {
    TransactionDetails transaction = new TransactionDetails();
    Patient untraced = new Patient();
    untraced.addIdentifier().setSystem("https://rio.example.org/Id/rio-number").setValue("RIO-1");
    transaction.addResolvedResource(new IdType("Patient/41"), untraced);

    assertThat(trace.awaitsTrace(new Reference("Patient/41"), transaction)).isTrue();
  }

  @Test
  void patientWrittenInTheSameTransactionWithAnNhsNumberDoesNotAwaitTheTrace() {
    TransactionDetails transaction = new TransactionDetails();
    Patient traced = new Patient();
    traced.addIdentifier().setSystem(ConformancePackage.NHS_NUMBER_SYSTEM).setValue("9000000009");
    transaction.addResolvedResource(new IdType("Patient/42/_history/1"), traced);

    assertThat(trace.awaitsTrace(new Reference("Patient/42"), transaction)).isFalse();
  }

  @Test
  void subjectThatIsNotAPatientNeverAwaitsTheTrace() {
    assertThat(trace.awaitsTrace(new Reference("Group/7"), new TransactionDetails())).isFalse();
    assertThat(trace.awaitsTrace(new Reference(), new TransactionDetails())).isFalse();
  }
}
