package org.cypmh.gateway.storage;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import jakarta.persistence.EntityManagerFactory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.hibernate.search.mapper.orm.Search;
import org.hibernate.search.mapper.orm.mapping.SearchMapping;
import org.hibernate.search.mapper.orm.massindexing.MassIndexer;
import org.hibernate.search.mapper.orm.scope.SearchScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Rebuilds the text search index (Hibernate Search) from the database with its {@link MassIndexer}:
 * all rebuildable indexed entity types, or one. It runs in the background, one run at a time on
 * this node; {@link #latest()} tells its progress. On the {@code cluster} profile the index is
 * shared, so a run on any node rebuilds it for all of them.
 */
@Component
public class SearchIndexRebuild {

  private static final Logger log = LoggerFactory.getLogger(SearchIndexRebuild.class);

  private final EntityManagerFactory entityManagerFactory;
  private final Clock clock;
  private volatile SearchIndexRun latest;

  SearchIndexRebuild(EntityManagerFactory entityManagerFactory, Clock clock) {
    this.entityManagerFactory = entityManagerFactory;
    this.clock = clock;
  }

  /**
   * The indexed entity names this operation may rebuild (e.g. {@code TermConcept}). Not HAPI's
   * {@code ResourceTable}: the text its {@code _content} and {@code _text} search lives in
   * transient fields HAPI fills only when it writes a resource, so a mass indexer would replace
   * every resource's document with one that has no text.
   */
  public List<String> types() {
    return mapping().allIndexedEntities().stream()
        .map(e -> e.jpaName())
        .filter(name -> !RESOURCES.equals(name))
        .sorted()
        .toList();
  }

  private static final String RESOURCES = "ResourceTable";

  /** Starts a rebuild of {@code type} (an indexed entity name), or of all types when null. */
  public synchronized SearchIndexRun start(String type) {
    if (latest != null && latest.running()) {
      throw new ResourceVersionConflictException(
          "A search index rebuild is already running on this node; ask $search-reindex-status");
    }
    SearchMapping mapping = mapping();
    SearchScope<?> scope;
    if (type == null) {
      scope = mapping.scope(Object.class, types());
    } else if (types().contains(type)) {
      scope = mapping.scope(Object.class, type);
    } else {
      throw new InvalidRequestException(
          "No indexed type " + type + "; the indexed types are " + types());
    }
    SearchIndexRun run = new SearchIndexRun(type == null ? "all" : type, clock);
    MassIndexer indexer =
        scope
            .massIndexer()
            // Two loading threads: the gateway keeps serving requests meanwhile.
            .threadsToLoadObjects(2)
            .monitor(run.monitor());
    latest = run;
    indexer
        .start()
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                // The exception class only: messages can quote indexed values.
                log.warn("Search index rebuild of {} failed: {}", run.types(), failure.getClass());
              }
              run.finish(failure);
            });
    return run;
  }

  public Optional<SearchIndexRun> latest() {
    return Optional.ofNullable(latest);
  }

  private SearchMapping mapping() {
    return Search.mapping(entityManagerFactory);
  }
}
