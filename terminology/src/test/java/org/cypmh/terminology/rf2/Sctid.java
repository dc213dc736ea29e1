package org.cypmh.terminology.rf2;

/**
 * SNOMED CT identifier (SCTID) arithmetic: Verhoeff check digit, partition and namespace.
 *
 * <p>Used to reject a mistyped concept id before it reaches a fixture, and to give the fixture's
 * synthetic description and relationship ids a well-formed shape.
 */
final class Sctid {

  /** The UK extension namespace (UK Clinical Extension and UK Drug Extension). */
  static final String UK_NAMESPACE = "1000000";

  private static final int[][] D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
    {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
    {4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
    {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
    {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
    {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
  };
  private static final int[][] P = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
    {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
    {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
    {9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
    {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
    {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}
  };
  private static final int[] INV = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

  private Sctid() {}

  /** True for 6 to 18 digits, no leading zero, valid Verhoeff check digit. */
  static boolean isValid(String id) {
    if (id == null || !id.matches("[1-9][0-9]{5,17}")) {
      return false;
    }
    int c = 0;
    for (int i = 0; i < id.length(); i++) {
      int digit = id.charAt(id.length() - 1 - i) - '0';
      c = D[c][P[i % 8][digit]];
    }
    return c == 0;
  }

  /** Appends the Verhoeff check digit. */
  static String withCheckDigit(String digits) {
    int c = 0;
    for (int i = 0; i < digits.length(); i++) {
      int digit = digits.charAt(digits.length() - 1 - i) - '0';
      c = D[c][P[(i + 1) % 8][digit]];
    }
    return digits + INV[c];
  }

  /** The two-digit partition identifier, e.g. "00" for an international concept. */
  static String partition(String id) {
    return id.substring(id.length() - 3, id.length() - 1);
  }

  /** True for long-format ids (partition 1x) in the UK namespace. */
  static boolean isUkExtension(String id) {
    return id.length() >= 11
        && partition(id).charAt(0) == '1'
        && id.substring(id.length() - 10, id.length() - 3).equals(UK_NAMESPACE);
  }

  /** A short-format (International) id: item, partition, check digit. */
  static String international(long item, String partition) {
    return withCheckDigit(item + partition);
  }

  /** A long-format id in the UK namespace: item, namespace, partition, check digit. */
  static String ukExtension(long item, String partition) {
    return withCheckDigit(item + UK_NAMESPACE + partition);
  }
}
