package org.cypmh.profiles.api;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The CYPMH conformance package: our StructureDefinitions (differentials; snapshots are generated
 * when the validation chain first needs them) and the packaged valid and invalid examples.
 *
 * <p>Load it once per {@link FhirContext} with {@link #load(FhirContext)}; the instance is
 * immutable and safe to share.
 */
public final class ConformancePackage {

  /** Base of every canonical URL this project publishes. */
  public static final String CANONICAL_BASE = "https://cypmh-gateway.org/fhir";

  public static final String PATIENT = profileUrl("cypmh-patient");
  public static final String REFERRAL = profileUrl("cypmh-referral");
  public static final String REFERRAL_TASK = profileUrl("cypmh-referral-task");
  public static final String CONSENT = profileUrl("cypmh-consent");
  public static final String TRANSITION_CAREPLAN = profileUrl("cypmh-transition-careplan");
  public static final String BRIEF_INTERVENTION = profileUrl("cypmh-brief-intervention");
  public static final String RELATED_PERSON = profileUrl("cypmh-related-person");

  /** Complex extension on Consent: outcome, date and assessor of a Gillick assessment. */
  public static final String GILLICK_COMPETENCE_EXTENSION = profileUrl("cypmh-gillick-competence");

  /**
   * Complex extension on ServiceRequest: the referrer asks for the referral to be shared without
   * consent (safeguarding concern or to protect life); {@code reason} (Coding from {@code
   * ValueSet/cypmh-break-glass-reason}) and an optional {@code statement}.
   */
  public static final String BREAK_GLASS_EXTENSION = profileUrl("cypmh-break-glass");

  /** Boolean extension on CarePlan: the transition plan was agreed with the young person. */
  public static final String AGREED_EXTENSION = profileUrl("cypmh-agreed-with-young-person");

  /** Boolean extension on CarePlan: the young person agreed the plan. */
  public static final String AGREED_WITH_YOUNG_PERSON_EXTENSION =
      profileUrl("cypmh-agreed-with-young-person");

  public static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
  public static final String ODS_ORGANIZATION_SYSTEM =
      "https://fhir.nhs.uk/Id/ods-organization-code";
  public static final String SNOMED_SYSTEM = "http://snomed.info/sct";

  /**
   * The profile the gateway applies to each incoming resource type, whether or not the resource
   * claims it in {@code meta.profile}.
   */
  public static final Map<String, String> PROFILE_BY_RESOURCE_TYPE =
      Map.of(
          "Patient", PATIENT,
          "ServiceRequest", REFERRAL,
          "Task", REFERRAL_TASK,
          "Consent", CONSENT,
          "CarePlan", TRANSITION_CAREPLAN,
          "Procedure", BRIEF_INTERVENTION,
          "RelatedPerson", RELATED_PERSON);

  /**
   * Types whose profile applies by type only to a resource validated on its own (e.g. POSTed to
   * {@code /CarePlan}) or, inside a Bundle or as a contained resource, only when it carries the
   * marker extension given here (or claims the profile). A CarePlan travelling as supporting
   * information in a referral is not a transition plan; one carrying {@code
   * cypmh-agreed-with-young-person} is.
   */
  public static final Map<String, String> MARKER_EXTENSION_BY_RESOURCE_TYPE =
      Map.of("CarePlan", AGREED_WITH_YOUNG_PERSON_EXTENSION);

  // Jars cannot be listed portably, so each folder carries an index; a test checks it is complete.
  private static final String PROFILES_INDEX = "/profiles/index.txt";
  private static final String EXAMPLES_INDEX = "/examples/index.txt";

  private final List<StructureDefinition> structureDefinitions;
  private final List<Example> examples;

  private ConformancePackage(
      List<StructureDefinition> structureDefinitions, List<Example> examples) {
    this.structureDefinitions = List.copyOf(structureDefinitions);
    this.examples = List.copyOf(examples);
  }

  /**
   * Reads the packaged StructureDefinitions and examples from the classpath.
   *
   * @throws IllegalArgumentException if {@code fhirContext} is not R4
   * @throws IllegalStateException if a packaged file is missing or unreadable (a build defect)
   */
  public static ConformancePackage load(FhirContext fhirContext) {
    if (fhirContext.getVersion().getVersion() != FhirVersionEnum.R4) {
      throw new IllegalArgumentException(
          "The CYPMH profiles are FHIR R4; got a "
              + fhirContext.getVersion().getVersion()
              + " context");
    }
    // Our own files must be exact: an unknown or misspelt element is a defect, not a warning.
    IParser parser = fhirContext.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    List<StructureDefinition> definitions = new ArrayList<>();
    for (String file : readIndex(PROFILES_INDEX)) {
      definitions.add(parse(parser, "/profiles/" + file, StructureDefinition.class));
    }
    List<Example> examples = new ArrayList<>();
    for (String file : readIndex(EXAMPLES_INDEX)) {
      boolean valid = file.startsWith("valid/");
      examples.add(new Example(file, valid, parse(parser, "/examples/" + file, Resource.class)));
    }
    return new ConformancePackage(definitions, examples);
  }

  /** Profiles and extension definitions, as differentials without snapshots. */
  public List<StructureDefinition> structureDefinitions() {
    return structureDefinitions;
  }

  public Optional<StructureDefinition> structureDefinition(String canonicalUrl) {
    return structureDefinitions.stream().filter(sd -> sd.getUrl().equals(canonicalUrl)).findFirst();
  }

  /** Valid and invalid examples, in index order (valid first). */
  public List<Example> examples() {
    return examples;
  }

  static String profileUrl(String id) {
    return CANONICAL_BASE + "/StructureDefinition/" + id;
  }

  private static List<String> readIndex(String indexPath) {
    try (InputStream in = open(indexPath);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + indexPath, e);
    }
  }

  private static <T extends Resource> T parse(IParser parser, String path, Class<T> type) {
    try (InputStream in = open(path)) {
      IBaseResource resource = parser.parseResource(in);
      if (!type.isInstance(resource)) {
        throw new IllegalStateException(
            path + " is a " + resource.fhirType() + ", expected a " + type.getSimpleName());
      }
      return type.cast(resource);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static InputStream open(String path) {
    InputStream in = ConformancePackage.class.getResourceAsStream(path);
    if (in == null) {
      throw new IllegalStateException("Conformance package file missing from classpath: " + path);
    }
    return in;
  }

  /**
   * A packaged example.
   *
   * @param path path under {@code examples/}, e.g. {@code invalid/cypmh-referral--no-reason.json};
   *     invalid files are named {@code <profile>--<reason>.json}
   * @param valid whether the example is expected to pass validation without errors
   * @param resource the parsed example, shared by every caller: copy it before changing it
   */
  public record Example(String path, boolean valid, Resource resource) {}
}
