package org.cypmh.profiles.api;

/** The NHS number format and modulus 11 check digit (NHS Data Dictionary, "NHS NUMBER"). */
final class NhsNumber {

  private NhsNumber() {}

  /** Outcome of checking a candidate NHS number. */
  enum Check {
    VALID,
    /** Not exactly ten ASCII digits (spaces and dashes are not accepted in FHIR identifiers). */
    WRONG_FORMAT,
    /** Ten digits, but the tenth is not the modulus 11 check digit of the first nine. */
    WRONG_CHECK_DIGIT
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
