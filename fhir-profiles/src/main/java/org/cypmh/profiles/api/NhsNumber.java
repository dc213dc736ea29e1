package org.cypmh.profiles.api;

/** The NHS number format and modulus 11 check digit (NHS Data Dictionary, "NHS NUMBER"). */
public final class NhsNumber {

  private NhsNumber() {}

  /** Outcome of checking a candidate NHS number. */
  enum Check {
    VALID,
    /** Not exactly ten ASCII digits (spaces and dashes are not accepted in FHIR identifiers). */
    WRONG_FORMAT,
    /** Ten digits, but the tenth is not the modulus 11 check digit of the first nine. */
    WRONG_CHECK_DIGIT
  }

  /**
   * The NHS number made of these nine digits and their check digit, or empty when no valid NHS
   * number starts with them (the check digit would be 10). Used for test and demo numbers.
   */
  public static java.util.Optional<String> withCheckDigit(String nineDigits) {
    for (int digit = 0; digit <= 9; digit++) {
      String candidate = nineDigits + digit;
      if (check(candidate) == Check.VALID) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }

  static Check check(String value) {
    if (value == null || value.length() != 10) {
      return Check.WRONG_FORMAT;
    }
    int sum = 0;
    for (int i = 0; i < 10; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return Check.WRONG_FORMAT;
      }
      if (i < 9) {
        sum += (c - '0') * (10 - i);
      }
    }
    int checkDigit = 11 - (sum % 11);
    if (checkDigit == 11) {
      checkDigit = 0;
    }
    // A computed check digit of 10 means no valid NHS number starts with these nine digits.
    if (checkDigit == 10 || checkDigit != value.charAt(9) - '0') {
      return Check.WRONG_CHECK_DIGIT;
    }
    return Check.VALID;
  }
}
