package org.cypmh.terminology.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;
import org.junit.jupiter.api.Test;

/**
 * Every code a ValueSet or ConceptMap names exists in its packaged CodeSystem, with the same
 * display. For SNOMED CT that is the seed fragment, so a code not in the seed (a typo, or an
 * invented code) fails the build.
 */
class CodesExistTest {

  private final TerminologyContent content = TerminologyContent.load();

  /** system URL -> (code -> display) of every packaged CodeSystem. */
  private final Map<String, Map<String, String>> displays =
      content.codeSystems().stream()
          .collect(
              Collectors.toMap(
                  CodeSystem::getUrl,
                  cs ->
                      cs.getConcept().stream()
                          .collect(
                              Collectors.toMap(
                                  ConceptDefinitionComponent::getCode,
                                  ConceptDefinitionComponent::getDisplay))));

  @Test
  void everyValueSetCodeIsInItsCodeSystemWithTheSameDisplay() {
    List<String> problems = new ArrayList<>();
    for (ValueSet valueSet : content.valueSets()) {
      for (ConceptSetComponent include : valueSet.getCompose().getInclude()) {
        assertThat(displays).as(valueSet.getUrl()).containsKey(include.getSystem());
        for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
          check(
              valueSet.getUrl(),
              include.getSystem(),
              concept.getCode(),
              concept.getDisplay(),
              problems);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyConceptMapSourceAndTargetCodeIsInItsCodeSystemWithTheSameDisplay() {
    List<String> problems = new ArrayList<>();
    for (ConceptMap map : content.conceptMaps()) {
      for (ConceptMapGroupComponent group : map.getGroup()) {
        for (SourceElementComponent element : group.getElement()) {
          check(map.getUrl(), group.getSource(), element.getCode(), element.getDisplay(), problems);
          for (TargetElementComponent target : element.getTarget()) {
            if (target.getEquivalence() == ConceptMapEquivalence.UNMATCHED) {
              assertThat(target.hasCode())
                  .as("unmatched %s has a code", element.getCode())
                  .isFalse();
              continue;
            }
            check(map.getUrl(), group.getTarget(), target.getCode(), target.getDisplay(), problems);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void snomedConceptMapTargetsAreBriefInterventions() {
    ConceptMap map =
        content.conceptMap(TerminologyContent.VCSE_FIRST_STEPS_TO_SNOMED).orElseThrow();
    Set<String> briefInterventions =
        content
            .valueSet(TerminologyContent.BRIEF_INTERVENTIONS)
            .orElseThrow()
            .getCompose()
            .getIncludeFirstRep()
            .getConcept()
            .stream()
            .map(ValueSet.ConceptReferenceComponent::getCode)
            .collect(Collectors.toSet());

    assertThat(map.getTargetCanonicalType().getValue())
        .isEqualTo(TerminologyContent.BRIEF_INTERVENTIONS);
    map.getGroupFirstRep().getElement().stream()
        .flatMap(e -> e.getTarget().stream())
        .filter(TargetElementComponent::hasCode)
        .forEach(t -> assertThat(briefInterventions).contains(t.getCode()));
  }

  @Test
  void camhsAndAdultServiceTypeValueSetsFollowTheSectorProperty() {
    CodeSystem serviceTypes =
        content.codeSystem(TerminologyContent.SERVICE_TYPE_SYSTEM).orElseThrow();

    assertThat(codes(TerminologyContent.CAMHS_SERVICE_TYPES))
        .containsExactlyInAnyOrderElementsOf(inSector(serviceTypes, "cyp-nhs"));
    assertThat(codes(TerminologyContent.ADULT_SERVICE_TYPES))
        .containsExactlyInAnyOrderElementsOf(inSector(serviceTypes, "adult-nhs"));
  }

  @Test
  void transitionMapCoversEveryCamhsServiceType() {
    ConceptMap map =
        content.conceptMap(TerminologyContent.CAMHS_TO_ADULT_SERVICE_TYPE).orElseThrow();

    assertThat(map.getGroupFirstRep().getElement())
        .extracting(SourceElementComponent::getCode)
        .containsExactlyInAnyOrderElementsOf(codes(TerminologyContent.CAMHS_SERVICE_TYPES));
  }

  private void check(
      String owner, String system, String code, String display, List<String> problems) {
    Map<String, String> codeSystem = displays.get(system);
    if (codeSystem == null) {
      problems.add(owner + ": no packaged CodeSystem " + system);
    } else if (!codeSystem.containsKey(code)) {
      problems.add(owner + ": " + system + "|" + code + " does not exist");
    } else if (display != null && !display.equals(codeSystem.get(code))) {
      problems.add(
          owner + ": " + code + " display '" + display + "' is not '" + codeSystem.get(code) + "'");
    }
  }

  private List<String> codes(String valueSetUrl) {
    return content
        .valueSet(valueSetUrl)
        .orElseThrow()
        .getCompose()
        .getIncludeFirstRep()
        .getConcept()
        .stream()
        .map(ValueSet.ConceptReferenceComponent::getCode)
        .toList();
  }

  private static List<String> inSector(CodeSystem serviceTypes, String sector) {
    return serviceTypes.getConcept().stream()
        .filter(
            c ->
                c.getProperty().stream()
                    .anyMatch(
                        p ->
                            p.getCode().equals("sector")
                                && sector.equals(p.getValue().primitiveValue())))
        .map(ConceptDefinitionComponent::getCode)
        .toList();
  }
}
