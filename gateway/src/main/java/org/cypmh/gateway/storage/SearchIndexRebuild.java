package org.cypmh.gateway.storage;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.annotation.PreDestroy;
import jakarta.persistence.EntityManagerFactory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.hibernate.search.mapper.orm.Search;
import org.hibernate.search.mapper.orm.mapping.SearchMapping;
import org.hibernate.search.mapper.orm.massindexing.MassIndexer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the text search index (Hibernate Search) from the database: all indexed entity types, or
 * one. Resources ({@code ResourceTable}) are rebuilt with their text by {@link
 * ResourceTextRebuild}; every other type (e.g. {@code TermConcept}) by Hibernate Search's {@link
 * MassIndexer}; all types means the others first, then resources. It runs in the background, one
 * run at a time on this node; {@link #latest()} tells its progress. On the {@code cluster} profile
 * the index is shared, so a run on any node rebuilds it for all of them.
 */
@Component
public class SearchIndexRebuild {

  private static final Logger log = LoggerFactory.getLogger(SearchIndexRebuild.class);

  private final EntityManagerFactory entityManagerFactory;
  private final ResourceTextRebuild resources;
  private final Clock clock;
  // The resources' rebuild runs its pages here, one run at a time (the mass indexer has its own).
  private final ExecutorService resourcePages =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "search-index-rebuild");
            thread.setDaemon(true);
            return thread;
          });
  private volatile SearchIndexRun latest;

  SearchIndexRebuild(
      EntityManagerFactory entityManagerFactory, ResourceTextRebuild resources, Clock clock) {
    this.entityManagerFactory = entityManagerFactory;
    this.resources = resources;
    this.clock = clock;
  }

  /**
   * The indexed entity names this operation rebuilds ({@code ResourceTable}, {@code TermConcept}).
   */
  public List<String> types() {
    return mapping().allIndexedEntities().stream().map(e -> e.jpaName()).sorted().toList();
  }

  /** Starts a rebuild of {@code type} (an indexed entity name), or of all types when null. */
  public synchronized SearchIndexRun start(String type) {
    List<String> types = types();
    if (type != null && !types.contains(type)) {
      throw new InvalidRequestException(
          "No indexed type " + type + "; the indexed types are " + types);
    }
    if (latest != null && latest.running()) {
      throw new ResourceVersionConflictException(
          "A search index rebuild is already running on this node; ask $search-reindex-status");
    }
    List<String> chosen = type == null ? types : List.of(type);
    List<String> massIndexed =
        chosen.stream().filter(t -> !ResourceTextRebuild.ENTITY.equals(t)).toList();
    SearchIndexRun run = new SearchIndexRun(type == null ? "all" : type, clock);
    CompletionStage<?> done = CompletableFuture.completedFuture(null);
    if (!massIndexed.isEmpty()) {
      MassIndexer indexer =
          mapping()
              .scope(Object.class, massIndexed)
              .massIndexer()
              // Two loading threads: the gateway keeps serving requests meanwhile.
              .threadsToLoadObjects(2)
              .monitor(run.monitor());
      done = indexer.start();
    }
    if (chosen.contains(ResourceTextRebuild.ENTITY)) {
      done = done.thenRunAsync(() -> resources.rebuild(run), resourcePages);
    }
    latest = run;
    done.whenComplete(
        (finished, failure) -> {
          Throwable cause =
              failure instanceof CompletionException && failure.getCause() != null
                  ? failure.getCause()
                  : failure;
          if (cause != null) {
            // The exception class only: messages can quote indexed values.
            log.warn("Search index rebuild of {} failed: {}", run.types(), cause.getClass());
          }
          run.finish(cause);
        });
    return run;
  }

  public Optional<SearchIndexRun> latest() {
    return Optional.ofNullable(latest);
  }

  /** A resources' rebuild still running stops at its next page. */
  @PreDestroy
  void stop() {
    resourcePages.shutdownNow();
  }

  private SearchMapping mapping() {
    return Search.mapping(entityManagerFactory);
  }
}
