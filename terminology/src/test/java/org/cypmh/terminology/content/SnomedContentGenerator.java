package org.cypmh.terminology.content;

import static org.cypmh.terminology.api.TerminologyContent.BRIEF_INTERVENTIONS;
import static org.cypmh.terminology.api.TerminologyContent.REFERRAL_PROCEDURES;
import static org.cypmh.terminology.api.TerminologyContent.REFERRAL_REASONS;
import static org.cypmh.terminology.api.TerminologyContent.SNOMED;
import static org.cypmh.terminology.api.TerminologyContent.SNOMED_UK_EDITION;
import static org.cypmh.terminology.api.TerminologyContent.TRANSITION_CARE;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemHierarchyMeaning;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.PropertyType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ConceptSetComponent;

/**
 * Generates the SNOMED CT fragment CodeSystem and the four SNOMED ValueSets from the seed TSV, so
 * that the packaged JSON never drifts from the TSV by hand. Run through {@code
 * SnomedContentMatchesSeedTest} with {@code -Dterminology.regenerate=true}; a normal build only
 * checks that the packaged files equal what this class produces.
 */
final class SnomedContentGenerator {

  static final String FSN = "900000000000003001";
  static final String PUBLISHER = "CYPMH gateway project";
  static final String SEED_DISCLAIMER =
      "Seed subset for tests and demos, not a clinically assured code list. Production loads the"
          + " full SNOMED CT UK Edition and resolves codes, terms and status against it.";
  static final String SNOMED_COPYRIGHT =
      "This resource includes content from SNOMED CT, which is copyright of the International"
          + " Health Terminology Standards Development Organisation (SNOMED International). Use in"
          + " the UK is covered by the NHS England SNOMED CT affiliate licence.";

  /** The SNOMED ValueSets: one per seed category, each an explicit list of concepts. */
  record SnomedValueSet(
      String category, String url, String name, String title, String description) {

    String id() {
      return url.substring(url.lastIndexOf('/') + 1);
    }
  }

  static final List<SnomedValueSet> VALUE_SETS =
      List.of(
          new SnomedValueSet(
              "reason-for-referral",
              REFERRAL_REASONS,
              "CypmhReferralReason",
              "CYPMH reasons for referral",
              "Presenting problems and concerns for which a child or young person is referred to"
                  + " mental health services (SNOMED CT disorders and findings)."),
          new SnomedValueSet(
              "referral-procedure",
              REFERRAL_PROCEDURES,
              "CypmhReferralProcedure",
              "CYPMH referral procedures",
              "Referral procedures (SNOMED CT), for ServiceRequest.code of a mental health"
                  + " referral."),
          new SnomedValueSet(
              "brief-intervention",
              BRIEF_INTERVENTIONS,
              "CypmhBriefIntervention",
              "CYPMH brief interventions",
              "Therapies and brief interventions (SNOMED CT), for Procedure.code of an"
                  + " intervention delivered to a child or young person."),
          new SnomedValueSet(
              "care-plan-transition",
              TRANSITION_CARE,
              "CypmhTransitionCare",
              "CYPMH care plans and transitions",
              "Care plan types and transition or discharge activities (SNOMED CT), for"
                  + " CarePlan.category and transition Tasks."));

  private final FhirContext fhirContext;

  SnomedContentGenerator(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
  }

  CodeSystem fragment(List<SeedConcept> seed) {
    CodeSystem cs = new CodeSystem();
    cs.setId("snomed-cypmh-fragment");
    cs.setUrl(SNOMED);
    cs.setVersion(SNOMED_UK_EDITION);
    cs.setName("SnomedCtCypmhFragment");
    cs.setTitle("SNOMED CT fragment for children and young people's mental health");
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setExperimental(true);
    cs.setPublisher(PUBLISHER);
    cs.setDescription(
        "Concepts of the SNOMED CT UK Edition used by the CYPMH gateway for referrals,"
            + " interventions, reasons for referral, care plans and transitions. "
            + SEED_DISCLAIMER
            + " Generated from snomed-cypmh-seed.tsv; each concept keeps the seed's category,"
            + " active flag and source as properties.");
    cs.setCopyright(SNOMED_COPYRIGHT);
    cs.setCaseSensitive(false);
    cs.setHierarchyMeaning(CodeSystemHierarchyMeaning.ISA);
    cs.setContent(CodeSystemContentMode.FRAGMENT);
    // No count: for a fragment it would be SNOMED CT's total, not the number of concepts here.
    cs.addProperty()
        .setCode("category")
        .setUri(TerminologyUris.FRAGMENT_PROPERTY_BASE + "category")
        .setDescription(
            "Seed category: referral-procedure, brief-intervention, reason-for-referral or"
                + " care-plan-transition")
        .setType(PropertyType.CODE);
    cs.addProperty()
        .setCode("inactive")
        .setUri("http://hl7.org/fhir/concept-properties#inactive")
        .setDescription("Whether the concept is inactive in SNOMED CT")
        .setType(PropertyType.BOOLEAN);
    cs.addProperty()
        .setCode("source")
        .setUri(TerminologyUris.FRAGMENT_PROPERTY_BASE + "source")
        .setDescription(
            "Where the seed row was checked: a web page URL or a public GitHub file as"
                + " owner/repo:path@commit")
        .setType(PropertyType.STRING);
    for (SeedConcept row : seed) {
      ConceptDefinitionComponent concept =
          cs.addConcept().setCode(row.code()).setDisplay(row.display());
      row.fullySpecifiedName()
          .ifPresent(
              fsn ->
                  concept
                      .addDesignation()
                      .setLanguage("en")
                      .setUse(new Coding(SNOMED, FSN, "Fully specified name"))
                      .setValue(fsn));
      concept.addProperty().setCode("category").setValue(new CodeType(row.category()));
      concept.addProperty().setCode("inactive").setValue(new BooleanType(!row.active()));
      concept.addProperty().setCode("source").setValue(new StringType(row.source()));
    }
    return cs;
  }

  ValueSet valueSet(SnomedValueSet definition, List<SeedConcept> seed) {
    ValueSet vs = new ValueSet();
    vs.setId(definition.id());
    vs.setUrl(definition.url());
    vs.setVersion(TerminologyUris.CONTENT_VERSION);
    vs.setName(definition.name());
    vs.setTitle(definition.title());
    vs.setStatus(PublicationStatus.ACTIVE);
    vs.setExperimental(true);
    vs.setPublisher(PUBLISHER);
    vs.setDescription(
        definition.description()
            + " Concepts of seed category "
            + definition.category()
            + ". "
            + SEED_DISCLAIMER
            + " The include names no SNOMED CT version so that it resolves against whichever"
            + " edition the terminology server holds.");
    vs.setCopyright(SNOMED_COPYRIGHT);
    ConceptSetComponent include = vs.getCompose().addInclude().setSystem(SNOMED);
    seed.stream()
        .filter(row -> row.category().equals(definition.category()))
        .forEach(row -> include.addConcept().setCode(row.code()).setDisplay(row.display()));
    return vs;
  }

  /** Every generated resource, keyed by its file name under {@code resources/terminology}. */
  Map<String, String> generate(List<SeedConcept> seed) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("CodeSystem-snomed-cypmh-fragment.json", encode(fragment(seed)));
    for (SnomedValueSet definition : VALUE_SETS) {
      files.put("ValueSet-" + definition.id() + ".json", encode(valueSet(definition, seed)));
    }
    return files;
  }

  void writeTo(Path folder, List<SeedConcept> seed) throws IOException {
    for (Map.Entry<String, String> file : generate(seed).entrySet()) {
      Files.writeString(folder.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
    }
  }

  String encode(IBaseResource resource) {
    return fhirContext.newJsonParser().setPrettyPrint(true).encodeResourceToString(resource) + "\n";
  }
}
