package org.cypmh.gateway.validation;

import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cypmh.profiles.api.ConformancePackage;

/**
 * The gateway's validation policy: what it owns stays strict, what it cannot know is a warning.
 *
 * <p>Owned, and left as the validator reports it: our CYPMH profiles, our ValueSets with required
 * bindings (a code outside one is "not in the value set ... required", which is not classified
 * here), the NHS number check digit, and the elements routing and consent need.
 *
 * <p>Not knowable, so a {@link UnknownContent} warning: a claimed profile, an extension or a code
 * system we hold no definition for, a SNOMED CT code outside the concepts we hold, and a ValueSet
 * we cannot expand because it filters SNOMED CT. An operator makes any kind an error for everyone
 * ({@code strict}, {@code refuse}) or for some partners ({@code strict-partners}).
 *
 * <p>Messages are classified by message id where the validator sets one. It uses one generic id,
 * {@code Terminology_PassThrough_TX_Message}, for whatever the terminology layer said, and leaves
 * ids empty for some issues inside Bundle entries; only then is the message text used.
 */
final class ValidationPolicy {

  /** Message id → kind, as FHIR core 6.7.x (HAPI 8.8) reports them. */
  static final Map<String, UnknownContent> BY_MESSAGE_ID =
      Map.of(
          "Validation_VAL_Profile_Unknown", UnknownContent.UNKNOWN_PROFILE,
          "VALIDATION_VAL_PROFILE_UNKNOWN_NOT_POLICY", UnknownContent.UNKNOWN_PROFILE,
          "Extension_EXT_Unknown", UnknownContent.UNKNOWN_EXTENSION,
          "UNKNOWN_CODESYSTEM", UnknownContent.UNKNOWN_CODE_SYSTEM,
          "UNKNOWN_CODESYSTEM_VERSION", UnknownContent.UNKNOWN_CODE_SYSTEM);

  /** Message text → kind, for messages with no id or the pass-through id; first match wins. */
  static final List<Map.Entry<String, UnknownContent>> BY_TEXT =
      List.of(
          Map.entry(
              "has not been checked because it could not be found", UnknownContent.UNKNOWN_PROFILE),
          Map.entry("Unknown extension ", UnknownContent.UNKNOWN_EXTENSION),
          Map.entry(
              "CodeSystem is unknown and can't be validated", UnknownContent.UNKNOWN_CODE_SYSTEM),
          Map.entry("Unable to expand ValueSet", UnknownContent.VALUESET_NOT_EXPANDABLE),
          Map.entry("Unknown code", UnknownContent.CODE_NOT_HELD),
          Map.entry("Code is not found in CodeSystem", UnknownContent.CODE_NOT_HELD));

  private static final String PASS_THROUGH = "Terminology_PassThrough_TX_Message";

  /** The validator's "none of the codings are in the (required) value set" messages. */
  private static final Set<String> NOT_IN_VALUESET =
      Set.of("Terminology_TX_NoValid_1_CC", "Terminology_TX_NoValid_12");

  /** The ValueSet such a message names: {@code ... value set 'Name' (url|version) ...}. */
  private static final Pattern NAMED_VALUESET = Pattern.compile("value set '[^']*' \\(([^|) ]+)");

  /** What the gateway owns: its profiles' ValueSets are always enforced. */
  private static final String OURS = "https://cypmh-gateway.org/fhir/";

  private final boolean strict;
  private final Set<UnknownContent> refused;
  private final Set<String> strictPartners;

  ValidationPolicy(ValidationProperties properties) {
    this(properties.strict(), properties.refuse(), properties.strictPartners());
  }

  ValidationPolicy(boolean strict, Set<UnknownContent> refused, Set<String> strictPartners) {
    this.strict = strict;
    this.refused = Set.copyOf(refused);
    this.strictPartners = Set.copyOf(strictPartners);
  }

  /** A message the policy acted on: its kind and whether it now refuses the request. */
  record Finding(SingleValidationMessage message, UnknownContent kind, boolean refused) {}

  /**
   * What the validator cannot know about, if that is what the message reports; empty for what the
   * gateway owns (left as reported).
   */
  static Optional<UnknownContent> classify(SingleValidationMessage message) {
    String id = message.getMessageId();
    if (id != null && BY_MESSAGE_ID.containsKey(id)) {
      return Optional.of(BY_MESSAGE_ID.get(id));
    }
    if (id != null && NOT_IN_VALUESET.contains(id)) {
      return notInExternalValueSet(message.getMessage());
    }
    if (id != null && !id.isBlank() && !PASS_THROUGH.equals(id)) {
      return codeNotHeld(id, message.getMessage());
    }
    String text = message.getMessage() == null ? "" : message.getMessage();
    for (Map.Entry<String, UnknownContent> rule : BY_TEXT) {
      if (text.contains(rule.getKey())) {
        if (rule.getValue() == UnknownContent.CODE_NOT_HELD
            && !text.contains(ConformancePackage.SNOMED_SYSTEM)) {
          return Optional.empty();
        }
        return Optional.of(rule.getValue());
      }
    }
    return Optional.empty();
  }

  /** A required binding not met, to a ValueSet that is not one of ours. */
  private static Optional<UnknownContent> notInExternalValueSet(String text) {
    Matcher named = NAMED_VALUESET.matcher(text == null ? "" : text);
    return named.find() && !named.group(1).startsWith(OURS)
        ? Optional.of(UnknownContent.NOT_IN_EXTERNAL_VALUESET)
        : Optional.empty();
  }

  /** SNOMED CT codes we do not hold, reported under the validator's unknown-code ids. */
  private static Optional<UnknownContent> codeNotHeld(String id, String text) {
    boolean unknownCode =
        id.startsWith("Unknown_Code")
            || id.startsWith("UNKNOWN_CODE")
            || id.equals("TX_GENERAL_CC_ERROR_MESSAGE");
    return unknownCode && text != null && text.contains(ConformancePackage.SNOMED_SYSTEM)
        ? Optional.of(UnknownContent.CODE_NOT_HELD)
        : Optional.empty();
  }

  /**
   * Applies the policy to a request's validation messages, in place: unknown content becomes a
   * WARNING, or an ERROR where refused for this partner; the validator's own warnings are kept
   * (kind {@link UnknownContent#OTHER}, an ERROR only if {@code other} is refused).
   *
   * @param partner the caller's ODS code, null for the operator
   * @return every message that is now a warning or a refused unknown, with its kind
   */
  List<Finding> apply(List<SingleValidationMessage> messages, String partner) {
    List<Finding> findings = new ArrayList<>();
    for (SingleValidationMessage message : messages) {
      Optional<UnknownContent> kind = classify(message);
      if (kind.isEmpty() && message.getSeverity() != ResultSeverityEnum.WARNING) {
        continue;
      }
      UnknownContent what = kind.orElse(UnknownContent.OTHER);
      boolean refuse = refuses(what, partner);
      message.setSeverity(refuse ? ResultSeverityEnum.ERROR : ResultSeverityEnum.WARNING);
      findings.add(new Finding(message, what, refuse));
    }
    return findings;
  }

  boolean refuses(UnknownContent kind, String partner) {
    return strict
        || refused.contains(kind)
        || (partner != null && strictPartners.contains(partner.toUpperCase()));
  }
}
