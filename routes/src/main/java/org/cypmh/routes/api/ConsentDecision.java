package org.cypmh.routes.api;

import java.util.List;
import java.util.Set;

/**
 * Whether data about a young person may go to a recipient, and why: recorded with every delivery,
 * shown by {@code $route-preview} and on the referral's Task.
 *
 * @param outcome permit, permit without some resources, or deny
 * @param rule the policy rule that decided, e.g. {@code implied-consent} or {@code
 *     explicit-permit-missing} (stable codes, for reports)
 * @param consents the Consent resources (versioned ids) that decided, empty when policy alone did
 * @param reason the decision in words a person can read
 * @param withheldLabels security labels (e.g. {@code R}) whose resources must not travel
 * @param breakGlass the break-glass reason code that permitted it, or null
 */
public record ConsentDecision(
    Outcome outcome,
    String rule,
    List<String> consents,
    String reason,
    Set<String> withheldLabels,
    String breakGlass) {

  /** Rule of a deny that a later permitting Consent can lift: the delivery waits for it. */
  public static final String EXPLICIT_PERMIT_MISSING = "explicit-permit-missing";

  public enum Outcome {
    PERMIT,
    PERMIT_WITH_REDACTION,
    DENY
  }

  public ConsentDecision {
    consents = List.copyOf(consents);
    withheldLabels = Set.copyOf(withheldLabels);
  }

  public static ConsentDecision deny(String rule, String reason) {
    return new ConsentDecision(Outcome.DENY, rule, List.of(), reason, Set.of(), null);
  }

  public boolean permitted() {
    return outcome != Outcome.DENY;
  }

  /** Denied only because nobody has given the explicit permit this recipient needs yet. */
  public boolean awaitingConsent() {
    return outcome == Outcome.DENY && EXPLICIT_PERMIT_MISSING.equals(rule);
  }
}
