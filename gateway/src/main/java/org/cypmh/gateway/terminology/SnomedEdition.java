package org.cypmh.gateway.terminology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.snomed.ConceptSet;
import org.cypmh.terminology.snomed.Rf2Files;
import org.cypmh.terminology.snomed.Rf2Reader;
import org.cypmh.terminology.snomed.SnomedIndex;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The SNOMED CT edition the gateway answers ECL, implicit ValueSets and filtered expansions from:
 * an in-memory {@link SnomedIndex} of the release kept in {@code gateway.terminology.release-dir}
 * (the last one loaded with {@code $snomed-load}), or of the packaged seed subset where none has
 * been loaded. A new release replaces it in one reference swap: reads never wait for a load and
 * never see half of one.
 */
@Component
class SnomedEdition {

  private static final Logger log = LoggerFactory.getLogger(SnomedEdition.class);

  private static final int REMEMBERED = 64;

  private final AtomicReference<SnomedIndex> current = new AtomicReference<>();
  private final Map<String, ConceptSet> recent =
      new LinkedHashMap<>(REMEMBERED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConceptSet> eldest) {
          return size() > REMEMBERED;
        }
      };
  private SnomedIndex recentFor;
  private final Path releaseDir;

  SnomedEdition(TerminologyProperties properties) {
    this.releaseDir = Path.of(properties.releaseDir());
    long started = System.nanoTime();
    if (hasKeptRelease()) {
      current.set(Rf2Reader.read(Rf2Files.locate(List.of(releaseDir))));
    } else {
      current.set(
          properties.seedSnomed()
              ? fromFragment(TerminologyContent.load().snomedFragment())
              : SnomedIndex.builder().build());
    }
    log.info(
        "SNOMED CT index: {} concepts ({} active) from {} in {} ms",
        current.get().conceptCount(),
        current.get().activeConceptCount(),
        hasKeptRelease() ? "the loaded release" : "the seed subset",
        (System.nanoTime() - started) / 1_000_000);
  }

  SnomedIndex index() {
    return current.get();
  }

  /**
   * The active concepts an expression selects in {@code index} (the edition a request started
   * with), remembered for the most recent expressions of the current edition ({@code
   * $validate-code} against an implicit ValueSet asks the same one again and again).
   */
  ConceptSet members(SnomedIndex index, String ecl) {
    synchronized (recent) {
      if (recentFor != current.get()) {
        recent.clear();
        recentFor = current.get();
      }
      ConceptSet members = recentFor == index ? recent.get(ecl) : null;
      if (members != null) {
        return members;
      }
    }
    ConceptSet members = index.ecl(ecl);
    synchronized (recent) {
      if (recentFor == index) {
        recent.put(ecl, members);
      }
    }
    return members;
  }

  void replace(SnomedIndex index) {
    current.set(index);
  }

  /** True once a release has been loaded and kept. */
  boolean hasKeptRelease() {
    return Files.isDirectory(releaseDir)
        && !Rf2Files.locate(List.of(releaseDir)).files(Rf2Files.Kind.CONCEPT).isEmpty();
  }

  Path releaseDir() {
    return releaseDir;
  }

  /** The seed: flat (no hierarchy), as HAPI holds it; display and fully specified name. */
  private static SnomedIndex fromFragment(CodeSystem fragment) {
    SnomedIndex.Builder builder = SnomedIndex.builder();
    for (ConceptDefinitionComponent concept : fragment.getConcept()) {
      builder.concept(concept.getCode(), true);
      concept.getDesignation().stream()
          .filter(d -> d.hasUse() && "900000000000003001".equals(d.getUse().getCode()))
          .forEach(d -> builder.fullySpecifiedName(concept.getCode(), d.getValue()));
      builder.synonym(concept.getCode(), concept.getDisplay(), true);
    }
    return builder.build();
  }
}
