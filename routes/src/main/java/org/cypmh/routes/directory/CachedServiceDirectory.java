package org.cypmh.routes.directory;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The directory's answers, kept between questions. Reading the HealthcareService, Organization and
 * Endpoint resources again for every routing decision and every delivery cost about a twentieth of
 * the CPU of each referral (issue 25), for resources an operator edits a few times a year.
 *
 * <p>An answer is dropped when a directory resource is written through this node (the write's
 * transaction ends), so such an edit applies to the next referral as before; an edit made through
 * another node of a cluster applies within {@code routes.directory.refresh}. Each answer remembers
 * the directory generation it was read in: an answer read while a write was under way is never
 * reused, even if it reached the cache after the write ended.
 */
@Component
public class CachedServiceDirectory implements ServiceDirectory {

  /** The resource types whose content the directory's answers are made of. */
  static final Set<String> DIRECTORY_TYPES =
      Set.of("HealthcareService", "Organization", "Endpoint", "Location");

  private final ServiceDirectory source;
  private final Cache<Question, Answer> answers;
  private final AtomicLong generation = new AtomicLong();

  @Autowired
  CachedServiceDirectory(
      DaoRegistry daoRegistry, DirectoryProperties properties, IInterceptorService interceptors) {
    this(new FhirServiceDirectory(daoRegistry), properties.refresh(), Ticker.systemTicker());
    interceptors.registerInterceptor(this);
  }

  CachedServiceDirectory(ServiceDirectory source, Duration refresh, Ticker ticker) {
    this.source = source;
    this.answers =
        Caffeine.newBuilder().expireAfterWrite(refresh).maximumSize(10_000).ticker(ticker).build();
  }

  @Override
  public Optional<DirectoryService> byId(String serviceId) {
    return answer(new Question("id", null, serviceId), () -> source.byId(serviceId));
  }

  @Override
  public Optional<DirectoryService> byIdentifier(String system, String value) {
    return answer(
        new Question("identifier", system, value), () -> source.byIdentifier(system, value));
  }

  @Override
  public List<DirectoryService> ofType(String serviceType) {
    return answer(new Question("type", null, serviceType), () -> source.ofType(serviceType));
  }

  @Override
  public List<DirectoryService> ofOrganisation(String organisation) {
    return answer(
        new Question("organisation", null, organisation),
        () -> source.ofOrganisation(organisation));
  }

  @SuppressWarnings("unchecked")
  private <T> T answer(Question question, Supplier<T> read) {
    long readIn = generation.get();
    Answer held = answers.getIfPresent(question);
    if (held != null && held.generation() == readIn) {
      return (T) held.value();
    }
    T value = read.get();
    answers.put(question, new Answer(readIn, value));
    return value;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  void created(IBaseResource resource) {
    written(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource resource) {
    written(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  void deleted(IBaseResource resource) {
    written(resource);
  }

  /**
   * A new generation now (answers read from here on may hold the uncommitted write) and again when
   * the write's transaction ends (answers read meanwhile by others hold the state before it).
   */
  void written(IBaseResource resource) {
    if (!DIRECTORY_TYPES.contains(resource.fhirType())) {
      return;
    }
    generation.incrementAndGet();
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
              generation.incrementAndGet();
            }
          });
    }
  }

  private record Question(String kind, String system, String value) {}

  private record Answer(long generation, Object value) {}
}
