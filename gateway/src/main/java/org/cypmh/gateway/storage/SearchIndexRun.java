package org.cypmh.gateway.storage;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.search.mapper.pojo.massindexing.MassIndexingMonitor;

/**
 * One rebuild of the search index and its progress, as Hibernate Search's mass indexer and the
 * resources' rebuild ({@link ResourceTextRebuild}) report it.
 */
public final class SearchIndexRun {

  /** Where a run is. */
  public enum State {
    RUNNING,
    FINISHED,
    FAILED
  }

  private final String types;
  private final Clock clock;
  private final Instant started;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong indexed = new AtomicLong();
  private volatile State state = State.RUNNING;
  private volatile Instant finished;
  private volatile String failure;

  SearchIndexRun(String types, Clock clock) {
    this.types = types;
    this.clock = clock;
    this.started = clock.instant();
  }

  public String types() {
    return types;
  }

  public State state() {
    return state;
  }

  public boolean running() {
    return state == State.RUNNING;
  }

  public Instant started() {
    return started;
  }

  /** Null while running. */
  public Instant finished() {
    return finished;
  }

  /** Entities to index, as counted when each part of the rebuild starts. */
  public long total() {
    return total.get();
  }

  /** Entities whose documents were written to the index so far. */
  public long indexed() {
    return indexed.get();
  }

  /** Why the run failed (the exception's class, never its message); null otherwise. */
  public String failure() {
    return failure;
  }

  void addToTotal(long entities) {
    total.addAndGet(entities);
  }

  void addIndexed(long entities) {
    indexed.addAndGet(entities);
  }

  void finish(Throwable cause) {
    failure = cause == null ? null : cause.getClass().getName();
    finished = clock.instant();
    state = cause == null ? State.FINISHED : State.FAILED;
  }

  MassIndexingMonitor monitor() {
    return new MassIndexingMonitor() {
      @Override
      public void documentsAdded(long increment) {
        addIndexed(increment);
      }

      @Override
      public void documentsBuilt(long increment) {}

      @Override
      public void entitiesLoaded(long increment) {}

      @Override
      public void addToTotalCount(long increment) {
        addToTotal(increment);
      }

      @Override
      public void indexingCompleted() {}
    };
  }
}
