package org.cypmh.gateway.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * Stores many referrals quickly for the GP-pull scenario: the same demo-pathway referrals the load
 * sends (each a new young person, with their Consents), a transition CarePlan for every tenth young
 * person, posted as large transaction Bundles to a gateway running bare (no validation, audit,
 * consent or routing), so a hundred thousand take minutes rather than the hour full intake would.
 * The data is what full intake would store minus tracking Tasks, outbox events and audit records.
 */
final class StoredReferralsSeed {

  /**
   * Referrals stored, refused (their Bundle failed), not sent (the time limit came first), young
   * people with a care plan, and the time it took.
   */
  record Seeded(int referrals, int failed, int notSent, List<String> withCarePlan, double seconds) {

    double referralsPerSecond() {
      return seconds > 0 ? referrals / seconds : 0;
    }
  }

  private static final int CAREPLAN_EVERY = 10;

  private StoredReferralsSeed() {}

  /**
   * Stores {@code referrals} in Bundles of {@code perBundle}, {@code clients} at a time; Bundles
   * not yet sent when {@code timeLimit} has passed are left out (and counted), so a slow machine
   * still finishes the run.
   */
  static Seeded seed(
      GatewayClient gateway, int referrals, int perBundle, int clients, Duration timeLimit)
      throws InterruptedException {
    List<String> withCarePlan = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger stored = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger notSent = new AtomicInteger();
    AtomicLong lastReport = new AtomicLong(System.nanoTime());
    long start = System.nanoTime();
    long deadline = start + timeLimit.toNanos();
    ExecutorService senders = Executors.newFixedThreadPool(clients);
    for (int from = 0; from < referrals; from += perBundle) {
      int size = Math.min(perBundle, referrals - from);
      senders.execute(
          () -> {
            if (System.nanoTime() > deadline) {
              notSent.addAndGet(size);
              return;
            }
            List<String> planned = new ArrayList<>();
            Bundle bundle = bundle(size, planned);
            HttpResponse<String> response = gateway.post("/fhir", bundle);
            if (response.statusCode() == 200) {
              withCarePlan.addAll(planned);
              stored.addAndGet(size);
            } else {
              failed.addAndGet(size);
              System.out.printf(
                  "seed bundle refused: HTTP %d %s%n",
                  response.statusCode(),
                  response.body().substring(0, Math.min(300, response.body().length())));
            }
            long last = lastReport.get();
            if (System.nanoTime() - last > TimeUnit.SECONDS.toNanos(30)
                && lastReport.compareAndSet(last, System.nanoTime())) {
              System.out.printf(
                  "  seeded %d of %d referrals (%.0f/s)%n",
                  stored.get(), referrals, stored.get() / ((System.nanoTime() - start) / 1e9));
            }
          });
    }
    senders.shutdown();
    senders.awaitTermination(6, TimeUnit.HOURS);
    return new Seeded(
        stored.get(),
        failed.get(),
        notSent.get(),
        List.copyOf(withCarePlan),
        (System.nanoTime() - start) / 1e9);
  }

  /**
   * One transaction of {@code size} referrals; NHS numbers given a care plan go to {@code planned}.
   */
  private static Bundle bundle(int size, List<String> planned) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < size; i++) {
      RoutingReferrals referral = DemoPathwayMix.draw().referral().get();
      Bundle one = referral.transaction();
      String patientUrl = null;
      String referralUrl = null;
      for (Bundle.BundleEntryComponent entry : one.getEntry()) {
        if (entry.getResource() instanceof Patient) {
          // Every seeded young person is new: no conditional create to resolve.
          entry.getRequest().setIfNoneExist(null);
          patientUrl = entry.getFullUrl();
        } else if (entry.getResource() instanceof ServiceRequest) {
          referralUrl = entry.getFullUrl();
        }
        bundle.addEntry(entry);
      }
      if (i % CAREPLAN_EVERY == 0) {
        bundle
            .addEntry()
            .setFullUrl("urn:uuid:" + UUID.randomUUID())
            .setResource(CareRecords.transitionCarePlan(patientUrl, referralUrl))
            .getRequest()
            .setMethod(Bundle.HTTPVerb.POST)
            .setUrl("CarePlan");
        planned.add(referral.nhsNumber());
      }
    }
    return bundle;
  }
}
