package org.cypmh.gateway.terminology;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One background load of a SNOMED CT release, as its status reads: what phase it is in, and at the
 * end what it loaded and how long it took. Fields are written by the loading thread and read by
 * status requests.
 */
final class SnomedLoad {

  enum Phase {
    /** Reading the RF2 files into a new in-memory index. */
    READING,
    /** HAPI's terminology loader storing concepts (and its deferred storage draining). */
    STORING,
    /** Keeping the release's files and switching reads to the new edition. */
    SWITCHING,
    DONE,
    FAILED
  }

  final String id = UUID.randomUUID().toString();
  final List<String> sources;
  final Instant started;
  volatile Phase phase = Phase.READING;
  volatile String message = "reading the RF2 files";
  volatile int concepts;
  volatile int activeConcepts;
  volatile int descriptions;
  volatile int relationships;
  volatile int storedByHapi;
  volatile Instant finished;

  SnomedLoad(List<String> sources, Instant started) {
    this.sources = List.copyOf(sources);
    this.started = started;
  }

  boolean running() {
    return phase != Phase.DONE && phase != Phase.FAILED;
  }

  Duration elapsed(Instant now) {
    return Duration.between(started, finished == null ? now : finished);
  }
}
