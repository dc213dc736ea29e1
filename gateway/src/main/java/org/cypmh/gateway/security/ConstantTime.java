package org.cypmh.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Comparisons of credentials that take the same time wherever the first difference is. */
final class ConstantTime {

  private ConstantTime() {}

  static boolean equals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
