package org.cypmh.terminology.internal;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.TranslateConceptResult;
import ca.uhn.fhir.context.support.TranslateConceptResults;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * A validation support chain element that answers {@code translateConcept} from R4 ConceptMaps held
 * in memory.
 *
 * <p>Exists because HAPI's in-memory supports ({@code PrePopulatedValidationSupport}, {@code
 * InMemoryTerminologyServerValidationSupport}) do not translate. It follows HAPI JPA 8.8's
 * behaviour so that {@link ValidationSupportCodeTranslation} reads both alike: an {@code unmatched}
 * target without a code is returned as a result without a code; a code the map does not mention
 * gives no result. Reverse translation is not supported (returns null, so other chain elements may
 * answer).
 *
 * <p>Internal: obtain one with {@code TerminologySupports.conceptMapTranslation}.
 */
public final class ConceptMapTranslationSupport implements IValidationSupport {

  private final FhirContext fhirContext;
  private final Map<String, ConceptMap> conceptMapsByUrl = new LinkedHashMap<>();

  public ConceptMapTranslationSupport(FhirContext fhirContext, Collection<ConceptMap> conceptMaps) {
    this.fhirContext = Objects.requireNonNull(fhirContext, "fhirContext");
    for (ConceptMap conceptMap : conceptMaps) {
      if (conceptMapsByUrl.putIfAbsent(conceptMap.getUrl(), conceptMap.copy()) != null) {
        throw new IllegalArgumentException("Two ConceptMaps with URL " + conceptMap.getUrl());
      }
    }
  }

  @Override
  public FhirContext getFhirContext() {
    return fhirContext;
  }

  @Override
  public String getName() {
    return "CYPMH in-memory ConceptMap translation";
  }

  @Override
  public TranslateConceptResults translateConcept(TranslateCodeRequest request) {
    if (request.isReverse()) {
      return null;
    }
    List<ConceptMap> maps = mapsFor(request);
    if (maps.isEmpty()) {
      return null;
    }
    List<TranslateConceptResult> results = new ArrayList<>();
    for (IBaseCoding coding : request.getCodings()) {
      for (ConceptMap map : maps) {
        for (ConceptMapGroupComponent group : map.getGroup()) {
          if (applies(group, coding, request.getTargetSystemUrl())) {
            addMatches(map, group, coding.getCode(), results);
          }
        }
      }
    }
    TranslateConceptResults answer = new TranslateConceptResults();
    answer.setResults(results);
    boolean anyTarget = results.stream().anyMatch(ConceptMapTranslationSupport::isMatch);
    answer.setResult(anyTarget);
    answer.setMessage(anyTarget ? "Matches found" : "No Matches found");
    return answer;
  }

  private List<ConceptMap> mapsFor(TranslateCodeRequest request) {
    String url = request.getConceptMapUrl();
    if (url == null || url.isBlank()) {
      return List.copyOf(conceptMapsByUrl.values());
    }
    ConceptMap map = conceptMapsByUrl.get(url);
    boolean versionMatches =
        request.getConceptMapVersion() == null
            || request.getConceptMapVersion().equals(map == null ? null : map.getVersion());
    return map != null && versionMatches ? List.of(map) : List.of();
  }

  private static boolean applies(
      ConceptMapGroupComponent group, IBaseCoding coding, String targetSystemUrl) {
    // Like HAPI JPA: a coding without a system matches any group source.
    boolean sourceMatches =
        coding.getSystem() == null || coding.getSystem().equals(group.getSource());
    boolean targetMatches = targetSystemUrl == null || targetSystemUrl.equals(group.getTarget());
    return sourceMatches && targetMatches;
  }

  private static void addMatches(
      ConceptMap map,
      ConceptMapGroupComponent group,
      String code,
      List<TranslateConceptResult> out) {
    for (SourceElementComponent element : group.getElement()) {
      if (code == null || !code.equals(element.getCode())) {
        continue;
      }
      for (TargetElementComponent target : element.getTarget()) {
        TranslateConceptResult result =
            new TranslateConceptResult()
                .setSystem(group.getTarget())
                .setCode(target.getCode())
                .setDisplay(target.getDisplay())
                .setEquivalence(target.hasEquivalence() ? target.getEquivalence().toCode() : null)
                .setConceptMapUrl(map.getUrl());
        result.setSystemVersion(group.getTargetVersion());
        out.add(result);
      }
    }
  }

  private static boolean isMatch(TranslateConceptResult result) {
    return result.getCode() != null
        && !ConceptMapEquivalence.UNMATCHED.toCode().equals(result.getEquivalence())
        && !ConceptMapEquivalence.DISJOINT.toCode().equals(result.getEquivalence());
  }
}
