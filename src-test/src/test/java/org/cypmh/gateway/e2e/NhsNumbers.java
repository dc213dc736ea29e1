package org.cypmh.gateway.e2e;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.cypmh.profiles.api.NhsNumber;

/**
 * Valid (modulus 11) NHS numbers for fixtures; each call gives a different young person. Numbers
 * are taken in turn from a random point of the test range, so a JVM gets about 900,000 before one
 * repeats (the load benchmark stores a hundred thousand young people in one run).
 */
final class NhsNumbers {

  static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  // The 999 range is reserved for test data and never issued to a real person.
  private static final int PREFIX = 999_000_000;
  private static final int RANGE = 1_000_000;
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE));

  private NhsNumbers() {}

  static String next() {
    while (true) {
      String nineDigits = Integer.toString(PREFIX + Math.floorMod(NEXT.getAndIncrement(), RANGE));
      // Some nine digits have no check digit: no NHS number starts with them.
      Optional<String> number = NhsNumber.withCheckDigit(nineDigits);
      if (number.isPresent()) {
        return number.get();
      }
    }
  }
}
