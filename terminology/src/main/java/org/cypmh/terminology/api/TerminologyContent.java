package org.cypmh.terminology.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The terminology content packaged in this module: the SNOMED CT seed fragment, our own
 * CodeSystems, ValueSets and ConceptMaps, as HAPI R4 model objects, plus their canonical URLs.
 *
 * <p>Loaded once from the classpath ({@code /terminology/*.json}); every accessor returns fresh
 * copies, so callers may modify what they get without affecting other callers.
 */
public final class TerminologyContent {

  /** Canonical base of the gateway's own conformance resources. */
  public static final String CANONICAL_BASE = "https://cypmh-gateway.org/fhir";

  /** SNOMED CT code system URI. */
  public static final String SNOMED = "http://snomed.info/sct";

  /**
   * SNOMED CT UK Edition, as a FHIR code system version (edition URI without a release date). The
   * packaged fragment claims this version because its concepts are a seed subset of it.
   */
  public static final String SNOMED_UK_EDITION = "http://snomed.info/sct/83821000000107";

  // Own CodeSystems: local constructs that SNOMED CT has no concept for (see README).
  public static final String REFERRAL_PATHWAY_SYSTEM =
      CANONICAL_BASE + "/CodeSystem/cypmh-referral-pathway";
  public static final String SERVICE_TYPE_SYSTEM =
      CANONICAL_BASE + "/CodeSystem/cypmh-service-type";
  public static final String VCSE_FIRST_STEPS_SYSTEM =
      CANONICAL_BASE + "/CodeSystem/vcse-first-steps-interventions";
  public static final String BREAK_GLASS_REASON_SYSTEM =
      CANONICAL_BASE + "/CodeSystem/cypmh-break-glass-reason";

  // ValueSets.
  public static final String REFERRAL_REASONS = CANONICAL_BASE + "/ValueSet/cypmh-referral-reason";
  public static final String REFERRAL_PROCEDURES =
      CANONICAL_BASE + "/ValueSet/cypmh-referral-procedure";
  public static final String REFERRAL_PATHWAYS =
      CANONICAL_BASE + "/ValueSet/cypmh-referral-pathway";
  public static final String BRIEF_INTERVENTIONS =
      CANONICAL_BASE + "/ValueSet/cypmh-brief-intervention";
  public static final String SERVICE_TYPES = CANONICAL_BASE + "/ValueSet/cypmh-service-type";
  public static final String CAMHS_SERVICE_TYPES =
      CANONICAL_BASE + "/ValueSet/cypmh-camhs-service-type";
  public static final String ADULT_SERVICE_TYPES =
      CANONICAL_BASE + "/ValueSet/cypmh-adult-service-type";
  public static final String TRANSITION_CARE = CANONICAL_BASE + "/ValueSet/cypmh-transition-care";
  public static final String RISK_INDICATORS = CANONICAL_BASE + "/ValueSet/cypmh-risk-indicators";
  public static final String ANXIETY_LOW_MOOD = CANONICAL_BASE + "/ValueSet/cypmh-anxiety-low-mood";
  public static final String BREAK_GLASS_REASONS =
      CANONICAL_BASE + "/ValueSet/cypmh-break-glass-reason";

  // ConceptMaps.
  public static final String VCSE_FIRST_STEPS_TO_SNOMED =
      CANONICAL_BASE + "/ConceptMap/vcse-first-steps-interventions-to-snomed";
  public static final String CAMHS_TO_ADULT_SERVICE_TYPE =
      CANONICAL_BASE + "/ConceptMap/camhs-to-adult-service-type";

  /** Classpath folder of the packaged resources. */
  static final String RESOURCE_FOLDER = "/terminology/";

  /**
   * Every packaged resource file. Listed rather than scanned because scanning a folder inside a jar
   * is fragile; a test fails if a JSON file in the folder is missing from this list.
   */
  static final List<String> RESOURCE_FILES =
      List.of(
          "CodeSystem-snomed-cypmh-fragment.json",
          "CodeSystem-cypmh-referral-pathway.json",
          "CodeSystem-cypmh-service-type.json",
          "CodeSystem-vcse-first-steps-interventions.json",
          "CodeSystem-cypmh-break-glass-reason.json",
          "ValueSet-cypmh-referral-reason.json",
          "ValueSet-cypmh-referral-procedure.json",
          "ValueSet-cypmh-referral-pathway.json",
          "ValueSet-cypmh-brief-intervention.json",
          "ValueSet-cypmh-service-type.json",
          "ValueSet-cypmh-camhs-service-type.json",
          "ValueSet-cypmh-adult-service-type.json",
          "ValueSet-cypmh-transition-care.json",
          "ValueSet-cypmh-risk-indicators.json",
          "ValueSet-cypmh-anxiety-low-mood.json",
          "ValueSet-cypmh-break-glass-reason.json",
          "ConceptMap-vcse-first-steps-interventions-to-snomed.json",
          "ConceptMap-camhs-to-adult-service-type.json");

  private final List<CodeSystem> codeSystems;
  private final List<ValueSet> valueSets;
  private final List<ConceptMap> conceptMaps;

  private TerminologyContent(
      List<CodeSystem> codeSystems, List<ValueSet> valueSets, List<ConceptMap> conceptMaps) {
    this.codeSystems = codeSystems;
    this.valueSets = valueSets;
    this.conceptMaps = conceptMaps;
  }

  /**
   * Parses the packaged resources with the given context (which must be R4).
   *
   * @throws IllegalStateException if a packaged file is missing or is not valid FHIR JSON; that is
   *     a packaging bug, not a runtime condition
   */
  public static TerminologyContent load(FhirContext fhirContext) {
    IParser parser = fhirContext.newJsonParser();
    List<CodeSystem> codeSystems = new ArrayList<>();
    List<ValueSet> valueSets = new ArrayList<>();
    List<ConceptMap> conceptMaps = new ArrayList<>();
    for (String file : RESOURCE_FILES) {
      MetadataResource resource = parse(parser, file);
      if (resource instanceof CodeSystem codeSystem) {
        codeSystems.add(codeSystem);
      } else if (resource instanceof ValueSet valueSet) {
        valueSets.add(valueSet);
      } else if (resource instanceof ConceptMap conceptMap) {
        conceptMaps.add(conceptMap);
      } else {
        throw new IllegalStateException(
            "Packaged terminology file " + file + " is a " + resource.fhirType());
      }
    }
    return new TerminologyContent(
        List.copyOf(codeSystems), List.copyOf(valueSets), List.copyOf(conceptMaps));
  }

  /** Parses the packaged resources with HAPI's shared R4 context. */
  public static TerminologyContent load() {
    return load(FhirContext.forR4Cached());
  }

  public List<CodeSystem> codeSystems() {
    return codeSystems.stream().map(CodeSystem::copy).toList();
  }

  public List<ValueSet> valueSets() {
    return valueSets.stream().map(ValueSet::copy).toList();
  }

  public List<ConceptMap> conceptMaps() {
    return conceptMaps.stream().map(ConceptMap::copy).toList();
  }

  /** Every packaged resource, CodeSystems first, then ValueSets, then ConceptMaps. */
  public List<MetadataResource> all() {
    List<MetadataResource> all = new ArrayList<>();
    all.addAll(codeSystems());
    all.addAll(valueSets());
    all.addAll(conceptMaps());
    return List.copyOf(all);
  }

  /** The CodeSystem with this canonical URL ({@link #SNOMED} gives the seed fragment). */
  public Optional<CodeSystem> codeSystem(String url) {
    return codeSystems.stream()
        .filter(cs -> url.equals(cs.getUrl()))
        .findFirst()
        .map(CodeSystem::copy);
  }

  public Optional<ValueSet> valueSet(String url) {
    return valueSets.stream().filter(vs -> url.equals(vs.getUrl())).findFirst().map(ValueSet::copy);
  }

  public Optional<ConceptMap> conceptMap(String url) {
    return conceptMaps.stream()
        .filter(cm -> url.equals(cm.getUrl()))
        .findFirst()
        .map(ConceptMap::copy);
  }

  /** The SNOMED CT seed fragment (CodeSystem {@code http://snomed.info/sct}, content fragment). */
  public CodeSystem snomedFragment() {
    return codeSystem(SNOMED).orElseThrow();
  }

  private static MetadataResource parse(IParser parser, String file) {
    String path = RESOURCE_FOLDER + file;
    try (InputStream in = TerminologyContent.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Packaged terminology file is missing: " + path);
      }
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return (MetadataResource) parser.parseResource(json);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read packaged terminology file " + path, e);
    } catch (DataFormatException | ClassCastException e) {
      throw new IllegalStateException("Packaged terminology file is not valid: " + path, e);
    }
  }
}
