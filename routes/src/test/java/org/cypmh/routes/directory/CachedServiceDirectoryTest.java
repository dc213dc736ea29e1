package org.cypmh.routes.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * When the directory is read again: after a directory write ends, after the refresh period (writes
 * through other nodes), and never from an answer read while a write was under way.
 */
class CachedServiceDirectoryTest {

  private static final Duration REFRESH = Duration.ofSeconds(5);

  private final CountingDirectory stored = new CountingDirectory();
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;
  private final CachedServiceDirectory directory =
      new CachedServiceDirectory(stored, REFRESH, ticker);

  @Test
  void asksTheStoredDirectoryOncePerQuestion() {
    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v1");
    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v1");
    assertThat(directory.ofType("crisis")).hasSize(1);
    assertThat(directory.ofType("crisis")).hasSize(1);
    assertThat(directory.byId("other")).isEmpty();
    assertThat(directory.byId("other")).isEmpty();

    assertThat(stored.reads).hasValue(3);
  }

  @Test
  void aDirectoryWriteOnThisNodeAppliesToTheNextQuestion() {
    directory.byId("camhs-spa");
    stored.version = 2;

    directory.written(new HealthcareService());

    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v2");
    assertThat(stored.reads).hasValue(2);
  }

  @Test
  void writesOfOtherResourcesKeepTheAnswers() {
    directory.byId("camhs-spa");

    directory.written(new Patient());

    directory.byId("camhs-spa");
    assertThat(stored.reads).hasValue(1);
  }

  @Test
  void aWriteThroughAnotherNodeAppliesWithinTheRefreshPeriod() {
    directory.byId("camhs-spa");
    stored.version = 2;

    nanos.addAndGet(REFRESH.minusMillis(1).toNanos());
    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v1");
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v2");
  }

  @Test
  void anAnswerReadDuringAWriteTransactionIsNotReusedAfterItEnds() {
    TransactionSynchronizationManager.initSynchronization();
    try {
      directory.written(new HealthcareService());
      // Read inside the writing transaction (or by another thread before it commits).
      directory.byId("camhs-spa");
      stored.version = 2;
      TransactionSynchronizationManager.getSynchronizations()
          .forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));
    } finally {
      TransactionSynchronizationManager.clearSynchronization();
    }

    assertThat(directory.byId("camhs-spa")).map(DirectoryService::name).contains("SPA v2");
    assertThat(stored.reads).hasValue(2);
  }

  /** The stored directory, counting how often it is read. */
  private static final class CountingDirectory implements ServiceDirectory {
    final AtomicLong reads = new AtomicLong();
    volatile int version = 1;

    @Override
    public Optional<DirectoryService> byId(String serviceId) {
      reads.incrementAndGet();
      return serviceId.equals("camhs-spa")
          ? Optional.of(service("SPA v" + version))
          : Optional.empty();
    }

    @Override
    public List<DirectoryService> ofType(String serviceType) {
      reads.incrementAndGet();
      return List.of(service("Crisis v" + version));
    }

    @Override
    public List<DirectoryService> ofOrganisation(String organisation) {
      reads.incrementAndGet();
      return List.of();
    }

    private static DirectoryService service(String name) {
      return new DirectoryService(
          "camhs-spa",
          "HealthcareService/1",
          name,
          "Organization/1",
          null,
          Set.of("spa"),
          null,
          null,
          Set.of(),
          Set.of(),
          null);
    }
  }
}
