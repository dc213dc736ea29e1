package org.cypmh.terminology.rf2;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionDesignationComponent;

/**
 * Writes a tiny SNOMED CT RF2 release (Concept, Description and Relationship files) with an
 * International part and a UK Clinical Extension part, shaped for HAPI FHIR's SNOMED CT loader
 * ({@code TermLoaderSvcImpl.loadSnomedCt}, behind {@code $upload-external-code-system}).
 *
 * <p>Content: the SNOMED CT seed concepts (from the packaged fragment), the root concept {@value
 * #ROOT} and the {@value #IS_A} |Is a| attribute. Nothing else is a concept; other metadata ids
 * appear only as column values (module, type, definition status...). The hierarchy is flat by
 * default: every concept is a direct child of the root, which is not SNOMED CT's real hierarchy;
 * {@link #withKnownSubsumption()} puts a few seed concepts below their real ancestors.
 *
 * <p>What HAPI 8.8 needs, read from its loader:
 *
 * <ul>
 *   <li>File names containing {@code Terminology/sct2_Concept_Full_}, {@code
 *       Terminology/sct2_Description_Full} and {@code Terminology/sct2_Relationship_Full}: HAPI
 *       reads every file matching these fragments, so the International and UK parts load together
 *       when uploaded together. Files named {@code _Snapshot_} are not read (see {@link
 *       ReleaseType#SNAPSHOT}).
 *   <li>Tab-separated rows with the RF2 header line (columns are read by header name).
 *   <li>A concept's display is the <em>last</em> active description HAPI reads for it, and an is-a
 *       relationship is recognised only when its type concept's display is exactly "Is a
 *       (attribute)". So {@value #IS_A} is written with its synonym first and its fully specified
 *       name last; seed concepts get their fully specified name first and preferred term last, so
 *       their display in HAPI is the preferred term, as in the packaged fragment.
 * </ul>
 *
 * <p>Description and relationship ids are synthetic but well-formed SCTIDs (right partition and
 * namespace, valid check digit); they are not real SNOMED CT component ids. One row per component,
 * so the Full and Snapshot files hold the same rows.
 */
public final class Rf2Fixture {

  /** effectiveTime of every row and the date in every file name. */
  public static final String EFFECTIVE_TIME = "20240101";

  /** 138875005 |SNOMED CT Concept (SNOMED RESERVED)|, the root. */
  public static final String ROOT = "138875005";

  /** 116680003 |Is a (attribute)|, the relationship type HAPI builds the hierarchy from. */
  public static final String IS_A = "116680003";

  static final String CORE_MODULE = "900000000000207008";

  /**
   * UK rows carry the UK Edition module id of the edition URI (83821000000107). A real UK Clinical
   * Extension uses its own extension module id; HAPI ignores moduleId.
   */
  static final String UK_MODULE = "83821000000107";

  static final String PRIMITIVE = "900000000000074008";
  static final String FULLY_SPECIFIED_NAME = "900000000000003001";
  static final String SYNONYM = "900000000000013009";
  static final String CASE_INSENSITIVE = "900000000000448009";
  static final String INFERRED = "900000000000011006";
  static final String EXISTENTIAL = "900000000000451002";

  static final String CONCEPT_HEADER = "id\teffectiveTime\tactive\tmoduleId\tdefinitionStatusId";
  static final String DESCRIPTION_HEADER =
      "id\teffectiveTime\tactive\tmoduleId\tconceptId\tlanguageCode\ttypeId\tterm"
          + "\tcaseSignificanceId";
  static final String RELATIONSHIP_HEADER =
      "id\teffectiveTime\tactive\tmoduleId\tsourceId\tdestinationId\trelationshipGroup\ttypeId"
          + "\tcharacteristicTypeId\tmodifierId";

  /** RF2 rows end with CR LF. */
  static final String CRLF = "\r\n";

  /** First item number of the synthetic description and relationship ids. */
  private static final long FIRST_ITEM = 990_001L;

  /** Which release the rows belong to. */
  public enum Part {
    INTERNATIONAL(
        "INT", "SnomedCT_InternationalRF2_PRODUCTION_" + EFFECTIVE_TIME + "T120000Z", CORE_MODULE),
    UK_CLINICAL(
        "GB1000000", "SnomedCT_UKClinicalRF2_PRODUCTION_" + EFFECTIVE_TIME + "T000001Z", UK_MODULE);

    private final String namespaceElement;
    private final String packageFolder;
    private final String moduleId;

    Part(String namespaceElement, String packageFolder, String moduleId) {
      this.namespaceElement = namespaceElement;
      this.packageFolder = packageFolder;
      this.moduleId = moduleId;
    }

    /** The file name's country/namespace element: {@code INT} or {@code GB1000000}. */
    public String namespaceElement() {
      return namespaceElement;
    }

    /** Top-level folder, as in the published release packages. */
    public String packageFolder() {
      return packageFolder;
    }

    /** The part a concept belongs to, from its id (UK namespace 1000000 or International). */
    public static Part of(String conceptId) {
      if (Sctid.isUkExtension(conceptId)) {
        return UK_CLINICAL;
      }
      if (Sctid.partition(conceptId).equals("00")) {
        return INTERNATIONAL;
      }
      throw new IllegalArgumentException(
          conceptId + " is neither an International nor a UK extension concept id");
    }
  }

  /** The three RF2 terminology files. */
  public enum Component {
    CONCEPT("sct2_Concept_%s_%s_%s.txt"),
    DESCRIPTION("sct2_Description_%s-en_%s_%s.txt"),
    RELATIONSHIP("sct2_Relationship_%s_%s_%s.txt");

    private final String pattern;

    Component(String pattern) {
      this.pattern = pattern;
    }
  }

  /**
   * Full is what HAPI 8.8 loads. Snapshot names follow RF2 too, but HAPI rejects an upload with
   * only Snapshot files ("Could not find the following mandatory files"); useful to test that.
   */
  public enum ReleaseType {
    FULL("Full"),
    SNAPSHOT("Snapshot");

    private final String label;

    ReleaseType(String label) {
      this.label = label;
    }
  }

  private record Description(String typeId, String term) {}

  private record Concept(String id, Part part, boolean active, List<Description> descriptions) {}

  /**
   * Real SNOMED CT subsumption between seed concepts, child to ancestor. The ancestor is not always
   * the direct parent (concepts in between are not in the seed), so the fixture's hierarchy is a
   * faithful but shortened cut of SNOMED CT's: what is below a concept here is below it in SNOMED
   * CT too.
   */
  public static final Map<String, String> KNOWN_SUBSUMPTION =
      Map.ofEntries(
          Map.entry("56882008", "72366004"), // Anorexia nervosa < Eating disorder
          Map.entry("78004001", "72366004"), // Bulimia nervosa < Eating disorder
          Map.entry("439960005", "72366004"), // Binge eating disorder < Eating disorder
          Map.entry("21897009", "197480006"), // Generalized anxiety disorder < Anxiety disorder
          Map.entry("11806006", "197480006"), // Separation anxiety disorder of childhood < same
          Map.entry("5158005", "568005"), // Gilles de la Tourette's syndrome < Tic disorder
          Map.entry("228557008", "75516001"), // Cognitive and behavioral therapy < Psychotherapy
          Map.entry("443730003", "75516001"), // Interpersonal psychotherapy < Psychotherapy
          Map.entry("108313002", "75516001"), // Family psychotherapy procedure < Psychotherapy
          Map.entry("306206005", "3457005"), // Referral to service < Patient referral
          Map.entry("183524004", "306206005"), // Referral to psychiatry service < to service
          Map.entry("306134009", "183524004"), // Referral to CAMHS < to psychiatry service
          Map.entry("390866009", "3457005")); // Referral to mental health team < Patient referral

  private final List<Concept> concepts;
  private final ReleaseType releaseType;
  private final Map<String, String> parents;

  private Rf2Fixture(List<Concept> concepts, ReleaseType releaseType, Map<String, String> parents) {
    this.concepts = concepts;
    this.releaseType = releaseType;
    this.parents = parents;
  }

  /** A fixture of the packaged SNOMED CT seed fragment. */
  public static Rf2Fixture fromPackagedContent() {
    return fromSnomedFragment(TerminologyContent.load().snomedFragment());
  }

  /**
   * A fixture of the given SNOMED CT CodeSystem fragment: each concept's display becomes its
   * preferred term, a designation with use {@value #FULLY_SPECIFIED_NAME} its fully specified name,
   * and the {@code inactive} property its active flag.
   *
   * @throws IllegalArgumentException for a code that is not a well-formed SCTID, so a mistyped code
   *     cannot reach a test release
   */
  public static Rf2Fixture fromSnomedFragment(CodeSystem fragment) {
    if (!TerminologyContent.SNOMED.equals(fragment.getUrl())) {
      throw new IllegalArgumentException("Not a SNOMED CT CodeSystem: " + fragment.getUrl());
    }
    List<Concept> concepts = new ArrayList<>();
    concepts.add(
        new Concept(
            ROOT,
            Part.INTERNATIONAL,
            true,
            List.of(
                new Description(FULLY_SPECIFIED_NAME, "SNOMED CT Concept (SNOMED RESERVED)"),
                new Description(SYNONYM, "SNOMED CT Concept"))));
    concepts.add(
        new Concept(
            IS_A,
            Part.INTERNATIONAL,
            true,
            // Fully specified name last: HAPI keys is-a on the display "Is a (attribute)".
            List.of(
                new Description(SYNONYM, "Is a"),
                new Description(FULLY_SPECIFIED_NAME, "Is a (attribute)"))));
    for (ConceptDefinitionComponent concept : fragment.getConcept()) {
      String id = concept.getCode();
      if (!Sctid.isValid(id)) {
        throw new IllegalArgumentException(id + " is not a valid SNOMED CT identifier");
      }
      List<Description> descriptions = new ArrayList<>();
      concept.getDesignation().stream()
          .filter(Rf2Fixture::isFullySpecifiedName)
          .findFirst()
          .ifPresent(
              fsn -> descriptions.add(new Description(FULLY_SPECIFIED_NAME, fsn.getValue())));
      descriptions.add(new Description(SYNONYM, concept.getDisplay()));
      concepts.add(new Concept(id, Part.of(id), !isInactive(concept), List.copyOf(descriptions)));
    }
    return new Rf2Fixture(List.copyOf(concepts), ReleaseType.FULL, Map.of());
  }

  /** The same content with other file names (Full by default). */
  public Rf2Fixture withReleaseType(ReleaseType releaseType) {
    return new Rf2Fixture(concepts, Objects.requireNonNull(releaseType, "releaseType"), parents);
  }

  /**
   * The same concepts with {@link #KNOWN_SUBSUMPTION}: those concepts hang below their real
   * ancestor instead of the root, so hierarchy and ECL can be tested on real codes.
   */
  public Rf2Fixture withKnownSubsumption() {
    return new Rf2Fixture(concepts, releaseType, KNOWN_SUBSUMPTION);
  }

  /** Concept ids written to a part, in file order. */
  public Set<String> conceptIds(Part part) {
    Set<String> ids = new LinkedHashSet<>();
    concepts.stream().filter(c -> c.part() == part).forEach(c -> ids.add(c.id()));
    return ids;
  }

  /** File name, e.g. {@code sct2_Concept_Full_INT_20240101.txt}. */
  public String fileName(Part part, Component component) {
    return String.format(
        component.pattern, releaseType.label, part.namespaceElement(), EFFECTIVE_TIME);
  }

  /**
   * Path of a file inside the release, with forward slashes: package folder, release type folder,
   * {@code Terminology/}, file name (e.g. {@code
   * .../Full/Terminology/sct2_Concept_Full_INT_20240101.txt}). This is the name to give HAPI (zip
   * entry or file descriptor name): it must contain {@code Terminology/}.
   */
  public String relativePath(Part part, Component component) {
    return part.packageFolder()
        + "/"
        + releaseType.label
        + "/Terminology/"
        + fileName(part, component);
  }

  /** Writes the six files under {@code directory}, creating folders as needed. */
  public Rf2Release writeTo(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Part part : Part.values()) {
      for (Component component : Component.values()) {
        Path file = directory.resolve(relativePath(part, component));
        Files.createDirectories(file.getParent());
        Files.writeString(file, content(part, component), StandardCharsets.UTF_8);
        files.add(file);
      }
    }
    return new Rf2Release(directory, List.copyOf(files));
  }

  /**
   * Writes one zip holding the six files at their {@link #relativePath}s: the single upload HAPI
   * needs to load the International and UK parts as one SNOMED CT code system.
   */
  public Path writeZip(Path zipFile) throws IOException {
    if (zipFile.getParent() != null) {
      Files.createDirectories(zipFile.getParent());
    }
    try (OutputStream out = Files.newOutputStream(zipFile);
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      for (Part part : Part.values()) {
        for (Component component : Component.values()) {
          zip.putNextEntry(new ZipEntry(relativePath(part, component)));
          zip.write(content(part, component).getBytes(StandardCharsets.UTF_8));
          zip.closeEntry();
        }
      }
    }
    return zipFile;
  }

  /** The text of one file: header and rows, CR LF line ends. */
  public String content(Part part, Component component) {
    List<String> rows =
        switch (component) {
          case CONCEPT -> conceptRows(part);
          case DESCRIPTION -> descriptionRows(part);
          case RELATIONSHIP -> relationshipRows(part);
        };
    StringBuilder text = new StringBuilder();
    rows.forEach(row -> text.append(row).append(CRLF));
    return text.toString();
  }

  private List<String> conceptRows(Part part) {
    List<String> rows = new ArrayList<>(List.of(CONCEPT_HEADER));
    for (Concept concept : concepts) {
      if (concept.part() == part) {
        rows.add(row(concept.id(), flag(concept.active()), part.moduleId, PRIMITIVE));
      }
    }
    return rows;
  }

  private List<String> descriptionRows(Part part) {
    List<String> rows = new ArrayList<>(List.of(DESCRIPTION_HEADER));
    long item = FIRST_ITEM;
    for (Concept concept : concepts) {
      for (Description description : concept.descriptions()) {
        // Numbered across both parts so that ids stay the same whichever part is written.
        long thisItem = item++;
        if (concept.part() != part) {
          continue;
        }
        rows.add(
            row(
                componentId(part, thisItem, "1"),
                "1",
                part.moduleId,
                concept.id(),
                "en",
                description.typeId(),
                description.term(),
                CASE_INSENSITIVE));
      }
    }
    return rows;
  }

  private List<String> relationshipRows(Part part) {
    List<String> rows = new ArrayList<>(List.of(RELATIONSHIP_HEADER));
    long item = FIRST_ITEM;
    for (Concept concept : concepts) {
      if (concept.id().equals(ROOT)) {
        continue;
      }
      long thisItem = item++;
      if (concept.part() != part) {
        continue;
      }
      rows.add(
          row(
              componentId(part, thisItem, "2"),
              flag(concept.active()),
              part.moduleId,
              concept.id(),
              parents.getOrDefault(concept.id(), ROOT),
              "0",
              IS_A,
              INFERRED,
              EXISTENTIAL));
    }
    return rows;
  }

  /** kind: "1" description, "2" relationship (partition 01/02 International, 11/12 UK). */
  private static String componentId(Part part, long item, String kind) {
    return part == Part.INTERNATIONAL
        ? Sctid.international(item, "0" + kind)
        : Sctid.ukExtension(item, "1" + kind);
  }

  /** effectiveTime is the second column of every file. */
  private static String row(String id, String active, String... rest) {
    StringBuilder row = new StringBuilder(id).append('\t').append(EFFECTIVE_TIME);
    row.append('\t').append(active);
    for (String value : rest) {
      row.append('\t').append(value);
    }
    return row.toString();
  }

  private static String flag(boolean active) {
    return active ? "1" : "0";
  }

  private static boolean isFullySpecifiedName(ConceptDefinitionDesignationComponent designation) {
    return designation.hasUse()
        && TerminologyContent.SNOMED.equals(designation.getUse().getSystem())
        && FULLY_SPECIFIED_NAME.equals(designation.getUse().getCode());
  }

  private static boolean isInactive(ConceptDefinitionComponent concept) {
    return concept.getProperty().stream()
        .filter(p -> p.getCode().equals("inactive") && p.getValue() instanceof BooleanType)
        .map(p -> ((BooleanType) p.getValue()).booleanValue())
        .findFirst()
        .orElse(false);
  }
}
