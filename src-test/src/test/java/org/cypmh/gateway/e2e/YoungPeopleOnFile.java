package org.cypmh.gateway.e2e;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The most recent young people a gateway accepted a referral for, so that load can record care for
 * them and pull their records; bounded, so a long run keeps a steady footprint in the driver.
 */
final class YoungPeopleOnFile {

  /** A stored young person: NHS number, Patient and referral ids ({@code Patient/12}). */
  record YoungPerson(String nhsNumber, String patientId, String referralId) {}

  private final AtomicReferenceArray<YoungPerson> recent;
  private final AtomicLong added = new AtomicLong();

  YoungPeopleOnFile(int capacity) {
    this.recent = new AtomicReferenceArray<>(capacity);
  }

  void add(YoungPerson person) {
    recent.set((int) (added.getAndIncrement() % recent.length()), person);
  }

  Optional<YoungPerson> any() {
    long count = Math.min(added.get(), recent.length());
    if (count == 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(recent.get(ThreadLocalRandom.current().nextInt((int) count)));
  }
}
