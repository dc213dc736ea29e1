package org.cypmh.routes.api;

/**
 * Whether a referral may be shared with a destination, and why (the reason is recorded with the
 * delivery and shown by {@code $route-preview}).
 */
public record ConsentDecision(boolean permitted, String reason) {

  public static ConsentDecision permit(String reason) {
    return new ConsentDecision(true, reason);
  }

  public static ConsentDecision deny(String reason) {
    return new ConsentDecision(false, reason);
  }
}
