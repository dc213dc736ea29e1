package org.cypmh.gateway.e2e;

import java.util.concurrent.ThreadLocalRandom;

/** Valid (modulus 11) NHS numbers for fixtures; each call gives a different young person. */
final class NhsNumbers {

  static final String SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

  private NhsNumbers() {}

  static String next() {
    while (true) {
      // The 999 range is reserved for test data and never issued to a real person.
      StringBuilder digits = new StringBuilder("999");
      for (int i = 0; i < 6; i++) {
        digits.append(ThreadLocalRandom.current().nextInt(10));
      }
      int checkDigit = checkDigit(digits);
      if (checkDigit < 10) {
        return digits.append(checkDigit).toString();
      }
    }
  }

  private static int checkDigit(CharSequence nineDigits) {
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (nineDigits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    return check == 11 ? 0 : check;
  }
}
