package org.cypmh.gateway.consent;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.cypmh.gateway.consent.ConsentProperties.Basis;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.ConsentDecision.Outcome;
import org.cypmh.routes.api.England;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * The consent policy applied to one question and the young person's Consents. Pure: everything it
 * needs is passed in, so the decision table can be tested on its own.
 *
 * <p>In order:
 *
 * <ol>
 *   <li>Break-glass, when asked for with an allowed reason by a recipient allowed to use it,
 *       permits whatever the Consents say (restricted data still needs clearance).
 *   <li>A GP practice (a recipient providing {@code gp-practice} services, or of the {@code
 *       primary-care} sector) receives only what is about young people registered with it ({@code
 *       Patient.generalPractitioner}); nothing else, whatever the Consents say.
 *   <li>Consents that count: active, in period, given by someone who may decide for a young person
 *       of this age ({@link ConsentGiver}). The young person's own decision outranks a parent's;
 *       among equals the newest decides. Within a Consent the most specific matching provision
 *       decides (nested provisions are exceptions to their parent).
 *   <li>With no Consent deciding, the recipient's policy: implied consent (direct care) permits,
 *       explicit consent is missing and the data waits for it.
 *   <li>Restricted data (e.g. label R) goes only to cleared services: it is left out for others, or
 *       nothing goes if the referral itself is restricted. A Consent may also deny one label to one
 *       recipient.
 * </ol>
 */
final class ConsentRules {

  static final String GP_PRACTICE = "gp-practice";
  static final String PRIMARY_CARE = "primary-care";
  static final String NOT_REGISTERED = "not-registered-with-practice";

  private final ConsentProperties policy;

  ConsentRules(ConsentProperties policy) {
    this.policy = policy;
  }

  /** Decides with the GP practices the young person's own record names (nothing looked up). */
  ConsentDecision decide(ConsentQuestion question, List<Consent> consents) {
    return decide(question, consents, GpRegistrations.named(question.patient()));
  }

  /**
   * @param practices the GP practices the young person is registered with ({@link
   *     GpRegistrations}): ODS codes (upper case) and Organization references
   */
  ConsentDecision decide(ConsentQuestion question, List<Consent> consents, Set<String> practices) {
    LocalDate day = question.at().atZone(England.ZONE).toLocalDate();
    Recipient recipient = question.recipient();
    List<String> notes = new ArrayList<>();
    List<Consent> counting = counting(question, consents, day, notes);

    Set<String> withheld = new LinkedHashSet<>();
    for (String label : question.separableLabels()) {
      if (question.labels().contains(label)) {
        continue;
      }
      if (restricted(label) && !cleared(recipient)) {
        withheld.add(label);
        continue;
      }
      Verdict forLabel = firstVerdict(counting, question, union(question.labels(), label), day);
      if (forLabel != null && forLabel.type() == ConsentProvisionType.DENY) {
        withheld.add(label);
      }
    }

    String breakGlassRefusal = null;
    if (question.breakGlassReason() != null) {
      breakGlassRefusal = breakGlassRefusal(question);
      if (breakGlassRefusal == null) {
        return restrictedCore(question)
            .orElse(
                decision(
                    Outcome.PERMIT,
                    "break-glass",
                    List.of(),
                    "shared without consent with "
                        + recipient.name()
                        + " by break-glass ("
                        + question.breakGlassReason()
                        + "); this use is audited and reviewed",
                    withheld,
                    question.breakGlassReason()));
      }
      notes.add("break-glass refused: " + breakGlassRefusal);
    }

    if (isGpPractice(recipient) && !registeredWith(recipient, practices)) {
      return decision(
          Outcome.DENY,
          NOT_REGISTERED,
          List.of(),
          "not shared: "
              + recipient.name()
              + " is a GP practice and the young person is not registered with it"
              + notes(notes),
          Set.of(),
          null);
    }

    Optional<ConsentDecision> coreRestriction = restrictedCore(question);
    if (coreRestriction.isPresent()) {
      return coreRestriction.get();
    }

    Verdict verdict = firstVerdict(counting, question, question.labels(), day);
    if (verdict != null) {
      String by = verdict.consent().getIdElement().toUnqualified().getValue();
      if (verdict.type() == ConsentProvisionType.DENY) {
        return decision(
            Outcome.DENY,
            "consent-deny",
            List.of(by),
            "not shared: "
                + by
                + " ("
                + giverWords(verdict.giver())
                + ") denies sharing with "
                + recipient.name()
                + notes(notes),
            withheld,
            null);
      }
      return decision(
          withheld.isEmpty() ? Outcome.PERMIT : Outcome.PERMIT_WITH_REDACTION,
          "consent-permit",
          List.of(by),
          "permitted: "
              + by
              + " ("
              + giverWords(verdict.giver())
              + ") permits sharing with "
              + recipient.name()
              + withheldWords(withheld)
              + notes(notes),
          withheld,
          null);
    }

    if (policy.basisFor(recipient.serviceTypes(), recipient.sector()) == Basis.IMPLIED) {
      return decision(
          withheld.isEmpty() ? Outcome.PERMIT : Outcome.PERMIT_WITH_REDACTION,
          "implied-consent",
          List.of(),
          "permitted: "
              + recipient.name()
              + " provides direct care (implied consent) and no active Consent denies it"
              + withheldWords(withheld)
              + notes(notes),
          withheld,
          null);
    }
    return decision(
        Outcome.DENY,
        ConsentDecision.EXPLICIT_PERMIT_MISSING,
        List.of(),
        "awaiting consent: "
            + recipient.name()
            + " needs an explicit permit from the young person (or, under 16, a parent or a"
            + " Gillick-competent young person) and none is active"
            + notes(notes),
        withheld,
        null);
  }

  /** The Consents that may decide, strongest first; why the others may not goes to notes. */
  private List<Consent> counting(
      ConsentQuestion question, List<Consent> consents, LocalDate day, List<String> notes) {
    List<Consent> counting = new ArrayList<>();
    for (Consent consent : consents) {
      String id = consent.getIdElement().toUnqualified().getValue();
      if (consent.getStatus() != Consent.ConsentState.ACTIVE) {
        continue;
      }
      Period period = consent.getProvision().getPeriod();
      if (!within(period, day)) {
        if (period.hasEnd() && !within(period.copy().setStart(null), day)) {
          notes.add(id + " ended on " + period.getEndElement().getValueAsString());
        }
        continue;
      }
      if (ConsentGiver.of(consent, question.patient(), day) == ConsentGiver.NOT_VALID) {
        notes.add(id + " does not count: " + ConsentGiver.whyNot(consent, question.patient(), day));
        continue;
      }
      counting.add(consent);
    }
    counting.sort(
        Comparator.comparing((Consent c) -> ConsentGiver.of(c, question.patient(), day))
            .thenComparing(ConsentRules::given, Comparator.reverseOrder()));
    return counting;
  }

  /**
   * The decision of the strongest Consents that apply: the first rank (giver, then recency) with a
   * Consent that decides; within one rank, a deny beats a permit.
   */
  private Verdict firstVerdict(
      List<Consent> counting, ConsentQuestion question, Set<String> labels, LocalDate day) {
    Verdict found = null;
    for (Consent consent : counting) {
      if (found != null && !sameRank(found.consent(), consent, question, day)) {
        return found;
      }
      ConsentProvisionType type = evaluate(consent.getProvision(), question, labels, day);
      if (type != null && (found == null || type == ConsentProvisionType.DENY)) {
        found = new Verdict(consent, type, ConsentGiver.of(consent, question.patient(), day));
      }
    }
    return found;
  }

  private static boolean sameRank(Consent a, Consent b, ConsentQuestion question, LocalDate day) {
    return ConsentGiver.of(a, question.patient(), day)
            == ConsentGiver.of(b, question.patient(), day)
        && given(a) == given(b);
  }

  private static long given(Consent consent) {
    return consent.hasDateTime() ? consent.getDateTime().getTime() : 0L;
  }

  /**
   * The decision of a provision whose criteria match, refined by its nested provisions (the most
   * specific match wins; a deny beats a permit at the same depth); null if it does not apply.
   */
  private ConsentProvisionType evaluate(
      ProvisionComponent provision, ConsentQuestion question, Set<String> labels, LocalDate day) {
    if (!matches(provision, question, labels, day)) {
      return null;
    }
    ConsentProvisionType nested = null;
    for (ProvisionComponent child : provision.getProvision()) {
      ConsentProvisionType childType = evaluate(child, question, labels, day);
      if (childType == ConsentProvisionType.DENY) {
        return childType;
      }
      if (childType != null) {
        nested = childType;
      }
    }
    if (nested != null) {
      return nested;
    }
    return provision.hasType() ? provision.getType() : null;
  }

  private boolean matches(
      ProvisionComponent provision, ConsentQuestion question, Set<String> labels, LocalDate day) {
    if (provision.hasPeriod() && !within(provision.getPeriod(), day)) {
      return false;
    }
    if (provision.hasActor()
        && provision.getActor().stream()
            .noneMatch(a -> actorIs(a.getReference(), question.recipient()))) {
      return false;
    }
    if (provision.hasPurpose()
        && provision.getPurpose().stream().noneMatch(p -> question.purpose().equals(p.getCode()))) {
      return false;
    }
    if (provision.hasClass_()
        && provision.getClass_().stream()
            .noneMatch(c -> question.resourceType().equals(c.getCode()))) {
      return false;
    }
    return !provision.hasSecurityLabel()
        || provision.getSecurityLabel().stream().map(Coding::getCode).anyMatch(labels::contains);
  }

  /** Whether a provision actor names this recipient (see the Consent profile for the forms). */
  static boolean actorIs(Reference actor, Recipient recipient) {
    if (actor.hasIdentifier()) {
      String system = actor.getIdentifier().getSystem();
      String value = actor.getIdentifier().getValue();
      if (ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(system)) {
        return value != null && value.equals(recipient.odsCode());
      }
      if (ServiceDirectory.SERVICE_ID_SYSTEM.equals(system)) {
        return value != null && value.equals(recipient.serviceId());
      }
      if (TerminologyContent.SERVICE_TYPE_SYSTEM.equals(system)) {
        return recipient.serviceTypes().contains(value);
      }
    }
    if (actor.hasReference() && recipient.organisation() != null) {
      IdType id = new IdType(actor.getReference()).toUnqualifiedVersionless();
      return id.getValue().equals(recipient.organisation());
    }
    return false;
  }

  /** A GP practice: provides {@code gp-practice} services or is of the primary-care sector. */
  static boolean isGpPractice(Recipient recipient) {
    return recipient.serviceTypes().contains(GP_PRACTICE)
        || PRIMARY_CARE.equals(recipient.sector());
  }

  private static boolean registeredWith(Recipient recipient, Set<String> practices) {
    return (recipient.odsCode() != null
            && practices.contains(recipient.odsCode().toUpperCase(Locale.ROOT)))
        || (recipient.organisation() != null && practices.contains(recipient.organisation()));
  }

  private String breakGlassRefusal(ConsentQuestion question) {
    return breakGlassRefusal(question.recipient(), question.breakGlassReason());
  }

  /**
   * Why this recipient may not break glass for this reason (no reason, a reason not configured, or
   * not a crisis or safeguarding service), or null if it may.
   */
  String breakGlassRefusal(Recipient recipient, String reason) {
    if (reason == null || reason.isBlank()) {
      return "a break-glass reason is required (one of: "
          + String.join(", ", policy.breakGlass().reasons().stream().sorted().toList())
          + ")";
    }
    if (!policy.breakGlass().reasons().contains(reason)) {
      return "'" + reason + "' is not an accepted break-glass reason";
    }
    return mayBreakGlass(recipient)
        ? null
        : recipient.name() + " is not a crisis or safeguarding service";
  }

  /** Whether the recipient provides a service that break-glass may reach. */
  boolean mayBreakGlass(Recipient recipient) {
    return recipient.serviceTypes().stream().anyMatch(policy.breakGlass().serviceTypes()::contains);
  }

  private Optional<ConsentDecision> restrictedCore(ConsentQuestion question) {
    boolean restrictedCore = question.labels().stream().anyMatch(this::restricted);
    if (!restrictedCore || cleared(question.recipient())) {
      return Optional.empty();
    }
    return Optional.of(
        decision(
            Outcome.DENY,
            "restricted-not-cleared",
            List.of(),
            "not shared: the "
                + question.resourceType()
                + " is restricted and "
                + question.recipient().name()
                + " is not cleared for restricted information",
            Set.of(),
            null));
  }

  private boolean restricted(String label) {
    return policy.restricted().labels().contains(label);
  }

  private boolean cleared(Recipient recipient) {
    return recipient.serviceTypes().stream()
        .anyMatch(policy.restricted().clearedServiceTypes()::contains);
  }

  private static boolean within(Period period, LocalDate day) {
    if (period == null || period.isEmpty()) {
      return true;
    }
    if (period.hasStart() && day.isBefore(dayOf(period.getStartElement().getValueAsString()))) {
      return false;
    }
    return !period.hasEnd() || !day.isAfter(dayOf(period.getEndElement().getValueAsString()));
  }

  private static LocalDate dayOf(String fhirDate) {
    return LocalDate.parse(fhirDate.substring(0, 10));
  }

  private static Set<String> union(Set<String> labels, String label) {
    Set<String> all = new LinkedHashSet<>(labels);
    all.add(label);
    return all;
  }

  private static String giverWords(ConsentGiver giver) {
    return giver == ConsentGiver.YOUNG_PERSON ? "the young person" : "a parent or guardian";
  }

  private static String withheldWords(Set<String> withheld) {
    return withheld.isEmpty()
        ? ""
        : "; resources labelled " + String.join(", ", withheld) + " are left out";
  }

  private static String notes(List<String> notes) {
    return notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")";
  }

  private static ConsentDecision decision(
      Outcome outcome,
      String rule,
      List<String> consents,
      String reason,
      Set<String> withheld,
      String breakGlass) {
    return new ConsentDecision(outcome, rule, consents, reason, withheld, breakGlass);
  }

  private record Verdict(Consent consent, ConsentProvisionType type, ConsentGiver giver) {}
}
