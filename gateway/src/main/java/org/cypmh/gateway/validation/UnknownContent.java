package org.cypmh.gateway.validation;

/**
 * Kinds of validation issue the gateway reports to the sender as a warning (never a refusal, unless
 * an operator says so: {@code gateway.validation.refuse}, {@code strict}, {@code strict-partners}).
 * Each kind is also the {@code kind} tag of the {@code gateway.validation.warnings} counter.
 */
public enum UnknownContent {
  /** {@code meta.profile} names a profile the gateway holds no definition for. */
  UNKNOWN_PROFILE("unknown-profile"),
  /** An extension the gateway holds no definition for. */
  UNKNOWN_EXTENSION("unknown-extension"),
  /** A coding in a code system the gateway does not hold (e.g. a partner's local codes). */
  UNKNOWN_CODE_SYSTEM("unknown-code-system"),
  /** A code of a code system the gateway holds only in part (SNOMED CT) that is not held. */
  CODE_NOT_HELD("code-not-held"),
  /** A ValueSet the gateway cannot expand because it filters a code system held only in part. */
  VALUESET_NOT_EXPANDABLE("valueset-not-expandable"),
  /**
   * A code outside a ValueSet that is not ours, bound {@code required} by a standard the gateway
   * does not own (UK Core, base FHIR): a sender on another version of that standard, or a code
   * system the gateway cannot check in full (e.g. all languages). Our own ValueSets stay strict.
   */
  NOT_IN_EXTERNAL_VALUESET("not-in-external-valueset"),
  /** Any other warning the validator raised itself (e.g. an extensible binding not met). */
  OTHER("other");

  private final String tag;

  UnknownContent(String tag) {
    this.tag = tag;
  }

  /** The name used in configuration and in the counter's {@code kind} tag. */
  public String tag() {
    return tag;
  }
}
