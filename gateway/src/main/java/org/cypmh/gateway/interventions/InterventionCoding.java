package org.cypmh.gateway.interventions;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.cypmh.gateway.interventions.InterventionProperties.PartnerCoding;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.terminology.api.CodeTranslation;
import org.cypmh.terminology.api.Translation;
import org.cypmh.terminology.api.TranslationTarget;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Procedure;
import org.springframework.stereotype.Component;

/**
 * The ConformancePackage.SNOMED_SYSTEM CT coding of one brief intervention: kept if the partner
 * sent one, otherwise translated from the partner's local code through its ConceptMaps.
 */
@Component
class InterventionCoding {

  /**
   * Closest meaning first (R4 equivalence, read from target to source): a receiver is better served
   * by an equal concept than by a wider one, and by a wider one than by one that only overlaps.
   */
  private static final List<ConceptMapEquivalence> PREFERENCE =
      List.of(
          ConceptMapEquivalence.EQUIVALENT,
          ConceptMapEquivalence.EQUAL,
          ConceptMapEquivalence.WIDER,
          ConceptMapEquivalence.SUBSUMES,
          ConceptMapEquivalence.NARROWER,
          ConceptMapEquivalence.SPECIALIZES,
          ConceptMapEquivalence.INEXACT,
          ConceptMapEquivalence.RELATEDTO);

  private final CodeTranslation translation;

  InterventionCoding(CodeTranslation translation) {
    this.translation = translation;
  }

  /**
   * Adds the ConformancePackage.SNOMED_SYSTEM CT coding the procedure lacks, or the unmapped flag,
   * or an issue to {@code refused}. A flag the sender set itself is removed first: only the gateway
   * may set it.
   *
   * @return true if the procedure changed
   */
  boolean toSnomed(
      Procedure procedure,
      PartnerCoding partner,
      String path,
      List<OperationOutcome.OperationOutcomeIssueComponent> refused) {
    boolean changed =
        procedure
            .getMeta()
            .getTag()
            .removeIf(
                t ->
                    LocalCodeTranslation.FLAG_SYSTEM.equals(t.getSystem())
                        && LocalCodeTranslation.UNMAPPED_FLAG.equals(t.getCode()));
    List<Coding> codings = procedure.getCode().getCoding();
    // A partner without local coding sends ConformancePackage.SNOMED_SYSTEM CT: the profile says
    // what is missing
    // (cypmh-bi-1).
    if (codings.stream().anyMatch(c -> ConformancePackage.SNOMED_SYSTEM.equals(c.getSystem()))
        || (partner.conceptMaps().isEmpty() && !partner.acceptUnmapped())) {
      return changed;
    }
    Coding untranslated = null;
    int untranslatedIndex = -1;
    for (int i = 0; i < codings.size(); i++) {
      Coding local = codings.get(i);
      if (!local.hasSystem() || !local.hasCode()) {
        continue;
      }
      Optional<Coding> snomed = snomedFor(local, partner);
      if (snomed.isPresent()) {
        codings.add(snomed.get());
        return true;
      }
      if (untranslated == null) {
        untranslated = local;
        untranslatedIndex = i;
      }
    }
    if (untranslated == null) {
      return changed; // nothing coded at all: the profile says what is missing
    }
    if (partner.acceptUnmapped()) {
      procedure
          .getMeta()
          .addTag(
              LocalCodeTranslation.FLAG_SYSTEM,
              LocalCodeTranslation.UNMAPPED_FLAG,
              "Local code without a ConformancePackage.SNOMED_SYSTEM CT translation");
      return true;
    }
    refused.add(
        new OperationOutcome.OperationOutcomeIssueComponent()
            .setSeverity(IssueSeverity.ERROR)
            .setCode(IssueType.CODEINVALID)
            .setDiagnostics(
                "The local code "
                    + untranslated.getSystem()
                    + "|"
                    + untranslated.getCode()
                    + " has no ConformancePackage.SNOMED_SYSTEM CT translation in "
                    + String.join(", ", partner.conceptMaps())
                    + ": send a ConformancePackage.SNOMED_SYSTEM CT coding from the brief-intervention ValueSet")
            .addExpression(path + ".code.coding[" + untranslatedIndex + "]"));
    return changed;
  }

  private Optional<Coding> snomedFor(Coding local, PartnerCoding partner) {
    for (String conceptMap : partner.conceptMaps()) {
      Translation translated = translation.translate(local, conceptMap);
      Optional<TranslationTarget> best =
          translated.targets().stream()
              .filter(
                  t ->
                      ConformancePackage.SNOMED_SYSTEM.equals(t.system())
                          && PREFERENCE.contains(t.equivalence()))
              .min(Comparator.comparingInt(t -> PREFERENCE.indexOf(t.equivalence())));
      if (best.isPresent()) {
        return Optional.of(best.get().target().copy());
      }
    }
    return Optional.empty();
  }

  /** The ODS code of the organisation that delivered the intervention, or null. */
  static String performerOds(Procedure procedure) {
    return procedure.getPerformer().stream()
        .map(p -> p.getActor().getIdentifier())
        .filter(
            i -> ConformancePackage.ODS_ORGANIZATION_SYSTEM.equals(i.getSystem()) && i.hasValue())
        .map(i -> i.getValue())
        .findFirst()
        .orElse(null);
  }
}
