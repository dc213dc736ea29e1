package org.cypmh.routes.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * Referrals intake has just written, kept by version for routing on this node (outside a
 * transaction, {@code AfterCommit} keeps them at once).
 */
class WrittenReferralsTest {

  private final WrittenReferrals written = new WrittenReferrals();

  @Test
  void routingTakesTheVersionWrittenOnceAndThenReadsTheDatabase() {
    written.written("ServiceRequest/7/_history/1", referral("7", "1", "Patient/3"));

    assertThat(written.take("ServiceRequest/7/_history/2")).isEmpty();
    ServiceRequest taken = written.take("ServiceRequest/7/_history/1").orElseThrow();
    assertThat(taken.getIdElement().getValue()).isEqualTo("ServiceRequest/7/_history/1");
    assertThat(taken.getSubject().getReference()).isEqualTo("Patient/3");
    assertThat(written.take("ServiceRequest/7/_history/1")).isEmpty();
  }

  @Test
  void whatIsKeptIsACopyAsWrittenNotTheWritersObject() {
    ServiceRequest referral = referral("8", "1", "Patient/3");
    written.written("ServiceRequest/8/_history/1", referral);
    referral.setSubject(new Reference("Patient/changed-after-writing"));

    assertThat(
            written.take("ServiceRequest/8/_history/1").orElseThrow().getSubject().getReference())
        .isEqualTo("Patient/3");
  }

  @Test
  void theOldestArePushedOutBeyondTheCapacity() {
    for (int i = 0; i <= WrittenReferrals.CAPACITY; i++) {
      written.written(
          "ServiceRequest/" + i + "/_history/1", referral(String.valueOf(i), "1", null));
    }

    assertThat(written.take("ServiceRequest/0/_history/1")).isEmpty();
    assertThat(written.take("ServiceRequest/1/_history/1")).isPresent();
    assertThat(written.take("ServiceRequest/" + WrittenReferrals.CAPACITY + "/_history/1"))
        .isPresent();
  }

  @Test
  void storedReferralsRoutesTheWrittenVersionWithoutReadingItBack() {
    // No DAO registry: a read back through HAPI would fail.
    StoredReferrals stored = new StoredReferrals(null, null, null, written);
    written.written("ServiceRequest/9/_history/2", referral("9", "2", "Patient/4"));

    assertThat(stored.read("ServiceRequest/9/_history/2").getSubject().getReference())
        .isEqualTo("Patient/4");
  }

  private static ServiceRequest referral(String id, String version, String subject) {
    ServiceRequest referral = new ServiceRequest();
    referral.setId("http://gateway.example.org/fhir/ServiceRequest/" + id + "/_history/" + version);
    if (subject != null) {
      referral.setSubject(new Reference(subject));
    }
    return referral;
  }
}
