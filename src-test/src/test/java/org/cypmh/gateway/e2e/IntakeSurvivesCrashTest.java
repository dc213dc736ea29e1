package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 the gateway while referrals are arriving, restart it, and check the promise: every
 * referral that got a 2xx is stored with its tracking Task and exactly one outbox event; none that
 * got an error response is; and whatever was in flight when the process died is all or nothing.
 */
class IntakeSurvivesCrashTest {

  private static final int REFERRALS = 300;
  private static final int KILL_AFTER_ACCEPTED = 60;

  /** What the sender saw: an HTTP status, or no answer at all (connection cut by the crash). */
  private record Outcome(Integer status, String referralId) {
    boolean accepted() {
      return status != null && status >= 200 && status < 300;
    }

    boolean refused() {
      return status != null && status >= 400;
    }
  }

  @Test
  void everyAcknowledgedReferralHasItsTaskAndOutboxEventAfterAKill() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "crash-");
    Path log = dataDir.resolve("gateway.log");
    Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    List<String> identifiers = new ArrayList<>();

    try (GatewayProcess first = GatewayProcess.start(dataDir, log)) {
      GatewayClient gateway = new GatewayClient(first.port());
      String patient =
          gateway
              .fhir()
              .create()
              .resource(TestReferrals.youngPerson(NhsNumbers.next()))
              .execute()
              .getId()
              .getIdPart();
      AtomicInteger accepted = new AtomicInteger();
      ExecutorService senders = Executors.newFixedThreadPool(8);
      for (int i = 0; i < REFERRALS; i++) {
        ServiceRequest referral =
            TestReferrals.eatingDisorderReferral("Crash test " + i)
                .setSubject(new Reference("Patient/" + patient));
        String identifier = referral.getIdentifierFirstRep().getValue();
        identifiers.add(identifier);
        senders.submit(
            () -> {
              outcomes.put(identifier, send(gateway, referral));
              if (outcomes.get(identifier).accepted()
                  && accepted.incrementAndGet() == KILL_AFTER_ACCEPTED) {
                killQuietly(first);
              }
            });
      }
      senders.shutdown();
      assertThat(senders.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    }
    assertThat(outcomes.values().stream().filter(Outcome::accepted))
        .hasSizeGreaterThanOrEqualTo(KILL_AFTER_ACCEPTED);
    assertThat(outcomes.values().stream().filter(o -> o.status() == null))
        .as("requests cut off by the kill")
        .isNotEmpty();

    Map<String, String> storedByIdentifier = new HashMap<>();
    try (GatewayProcess second = GatewayProcess.start(dataDir, log)) {
      GatewayClient gateway = new GatewayClient(second.port());
      for (String identifier : identifiers) {
        Bundle found =
            gateway
                .fhir()
                .search()
                .byUrl(
                    "ServiceRequest?identifier=https://first-steps-ed.example.org/referrals|"
                        + identifier)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(found.getEntry()).as("copies of %s", identifier).hasSizeLessThanOrEqualTo(1);
        if (!found.getEntry().isEmpty()) {
          String id = found.getEntryFirstRep().getResource().getIdElement().getIdPart();
          storedByIdentifier.put(identifier, id);
          Bundle tasks =
              gateway
                  .fhir()
                  .search()
                  .byUrl("Task?focus=ServiceRequest/" + id)
                  .returnBundle(Bundle.class)
                  .execute();
          assertThat(tasks.getEntry()).as("tracking Task of %s", identifier).hasSize(1);
        }
      }
    }

    outcomes.forEach(
        (identifier, outcome) -> {
          if (outcome.accepted()) {
            assertThat(storedByIdentifier)
                .as("acknowledged %s", identifier)
                .containsEntry(identifier, outcome.referralId());
          } else if (outcome.refused()) {
            assertThat(storedByIdentifier)
                .as("refused %s", identifier)
                .doesNotContainKey(identifier);
          }
        });
    Map<String, Integer> eventsByReferral = acceptedEvents(dataDir);
    assertThat(eventsByReferral.keySet())
        .containsExactlyInAnyOrderElementsOf(storedByIdentifier.values());
    assertThat(eventsByReferral.values()).containsOnly(1);
  }

  private static Outcome send(GatewayClient gateway, ServiceRequest referral) {
    try {
      HttpResponse<String> response =
          gateway.post(
              "/fhir/ServiceRequest",
              "application/fhir+json",
              GatewayClient.FHIR.newJsonParser().encodeResourceToString(referral));
      String id =
          response
              .headers()
              .firstValue("Location")
              .map(l -> new org.hl7.fhir.r4.model.IdType(l).getIdPart())
              .orElse(null);
      return new Outcome(response.statusCode(), id);
    } catch (RuntimeException e) {
      return new Outcome(null, null);
    }
  }

  private static void killQuietly(GatewayProcess gateway) {
    try {
      gateway.kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Read straight from the database file once the gateway has stopped: referral id to event count.
   */
  private static Map<String, Integer> acceptedEvents(Path dataDir) throws Exception {
    Map<String, Integer> events = new HashMap<>();
    String url = "jdbc:h2:file:" + dataDir.resolve("h2/gateway").toAbsolutePath();
    try (Connection connection = DriverManager.getConnection(url, "sa", "");
        ResultSet rows =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT FOCUS FROM GW_OUTBOX_EVENT WHERE EVENT_TYPE = 'REFERRAL_ACCEPTED'")) {
      while (rows.next()) {
        String id = new org.hl7.fhir.r4.model.IdType(rows.getString(1)).getIdPart();
        events.merge(id, 1, Integer::sum);
      }
    }
    return events;
  }
}
