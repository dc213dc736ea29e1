package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.term.UploadStatistics;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import ca.uhn.fhir.jpa.term.api.ITermLoaderSvc;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.cypmh.gateway.GatewayApplication;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.rf2.Rf2Fixture;
import org.cypmh.terminology.rf2.Rf2Fixture.Part;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A SNOMED CT release (International Edition plus UK Clinical Extension, RF2) loaded through HAPI's
 * terminology loader into a running gateway that was started without the SNOMED CT seed, as a
 * production deployment loads the UK edition. The release is the terminology module's tiny {@link
 * Rf2Fixture}, uploaded as one zip.
 *
 * <p>The gateway does not expose {@code $upload-external-code-system} on its REST server, so the
 * release goes in through HAPI's {@link ITermLoaderSvc} bean, the service that operation calls.
 *
 * <p>Own context and data folder (not {@link EmbeddedGateway}): a full SNOMED CT load replaces the
 * seeded SNOMED CT that the shared context's tests rely on.
 */
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "gateway.terminology.seed-snomed=false",
      "gateway.security.mode=trusted-header",
      "gateway.security.mtls.enabled=false"
    })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SnomedReleaseLoadingTest {

  private static final String SNOMED = "http://snomed.info/sct";
  private static final String REASONS =
      "https://cypmh-gateway.org/fhir/ValueSet/cypmh-referral-reason";

  /** In the International part: 72366004 |Eating disorder (disorder)|. */
  private static final String INTERNATIONAL_CONCEPT = "72366004";

  /** In the UK Clinical Extension part only: 1127191000000108 |First episode psychosis|. */
  private static final String UK_CONCEPT = "1127191000000108";

  /** 73211009 |Diabetes mellitus (disorder)|: a well-formed International id the release lacks. */
  private static final String NOT_IN_RELEASE = "73211009";

  /** Concepts saved in the upload's own transaction; the rest go through deferred storage. */
  private static final int DEFER_AFTER = 10;

  private static final Rf2Fixture RELEASE = Rf2Fixture.fromPackagedContent();

  private static UploadStatistics loaded;

  @LocalServerPort int port;
  GatewayClient gateway;

  /** A fresh data folder per run (target/e2e-data/rf2-*), so reruns never see old data. */
  @DynamicPropertySource
  static void freshDataDir(DynamicPropertyRegistry registry) throws IOException {
    Path parent = Files.createDirectories(Path.of("target", "e2e-data").toAbsolutePath());
    Path dataDir = Files.createTempDirectory(parent, "rf2-");
    registry.add("gateway.storage.data-dir", dataDir::toString);
  }

  /**
   * Uploads the release as an operator's single zip and waits until HAPI has stored it.
   *
   * <p>HAPI saves the first {@code deferIndexingForCodesystemsOfSize} concepts (100 by default) in
   * the upload's transaction and queues the rest for {@link ITermDeferredStorageSvc}, a scheduled
   * job that runs every 5 seconds. The fixture has only 81 concepts, so the threshold is lowered
   * for the upload, so that most of its concepts take the deferred path a real edition's concepts
   * take.
   */
  @BeforeAll
  static void loadTheRelease(
      @TempDir Path tempDir,
      @Autowired ITermLoaderSvc termLoader,
      @Autowired ITermDeferredStorageSvc deferredStorage,
      @Autowired JpaStorageSettings storageSettings) {
    Path zip = writeZip(tempDir.resolve("uk_sct_for_hapi.zip"));
    ITermLoaderSvc.FileDescriptor file =
        new ITermLoaderSvc.ByteArrayFileDescriptor(zip.getFileName().toString(), readAllBytes(zip));
    int threshold = storageSettings.getDeferIndexingForCodesystemsOfSize();
    storageSettings.setDeferIndexingForCodesystemsOfSize(DEFER_AFTER);
    try {
      loaded = termLoader.loadSnomedCt(List.of(file), new SystemRequestDetails());

      await("HAPI's deferred terminology storage to drain")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> deferredStorage.isStorageQueueEmpty(true));
    } finally {
      storageSettings.setDeferIndexingForCodesystemsOfSize(threshold);
    }
  }

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void loaderTakesEveryActiveConceptOfBothPartsFromOneUpload() {
    assertThat(RELEASE.conceptIds(Part.INTERNATIONAL)).contains(INTERNATIONAL_CONCEPT);
    assertThat(RELEASE.conceptIds(Part.UK_CLINICAL)).contains(UK_CONCEPT).hasSize(6);

    // 75 International (the root, Is a and 73 seed concepts) + 6 UK extension concepts.
    assertThat(loaded.getUpdatedConceptCount())
        .isEqualTo(
            RELEASE.conceptIds(Part.INTERNATIONAL).size()
                + RELEASE.conceptIds(Part.UK_CLINICAL).size())
        .isEqualTo(81);
  }

  @Test
  void internationalAndUkEditionConceptsAreLookedUpAfterLoading() {
    assertThat(display(INTERNATIONAL_CONCEPT)).isEqualTo("Eating disorder");
    assertThat(display(UK_CONCEPT)).isEqualTo("First episode psychosis");
    assertThat(display(Rf2Fixture.ROOT)).isEqualTo("SNOMED CT Concept");
  }

  @Test
  void everyUkExtensionConceptIsLookedUpWithItsPreferredTerm() {
    Map<String, String> preferredTerms =
        TerminologyContent.load().snomedFragment().getConcept().stream()
            .collect(
                Collectors.toMap(
                    ConceptDefinitionComponent::getCode, ConceptDefinitionComponent::getDisplay));

    assertThat(RELEASE.conceptIds(Part.UK_CLINICAL))
        .allSatisfy(code -> assertThat(display(code)).isEqualTo(preferredTerms.get(code)));
  }

  @Test
  void aConceptTheReleaseDoesNotCarryIsNotFound() {
    assertThat(RELEASE.conceptIds(Part.INTERNATIONAL)).doesNotContain(NOT_IN_RELEASE);

    HttpResponse<String> response = lookup(NOT_IN_RELEASE);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        // HAPI 8.8 leaves the code out of this message ("code[null]") for GET requests.
        .contains("Unable to find code");
  }

  @Test
  void rankedFilterFindsLoadedConceptsOfBothParts() {
    assertThat(expand("eat%20dis").getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode)
        .containsExactly("72366004", "439960005");
    assertThat(expand("psychosis%20first").getExpansion().getContains())
        .extracting(
            ValueSetExpansionContainsComponent::getCode,
            ValueSetExpansionContainsComponent::getDisplay)
        .containsExactly(tuple(UK_CONCEPT, "First episode psychosis"));
  }

  @Test
  void theReleaseIsStoredAsOneSnomedCodeSystemWithoutAVersion() {
    Bundle found =
        gateway
            .fhir()
            .search()
            .byUrl("CodeSystem?url=" + SNOMED)
            .returnBundle(Bundle.class)
            .execute();

    assertThat(found.getEntry())
        .singleElement()
        .satisfies(
            entry -> {
              CodeSystem codeSystem = (CodeSystem) entry.getResource();
              assertThat(codeSystem.getIdElement().getIdPart())
                  .isEqualTo(loaded.getTarget().getIdPart());
              assertThat(codeSystem.getContent())
                  .isEqualTo(CodeSystem.CodeSystemContentMode.NOTPRESENT);
              assertThat(codeSystem.hasVersion()).isFalse();
            });
  }

  private String display(String code) {
    HttpResponse<String> response = lookup(code);
    assertThat(response.statusCode()).as("$lookup of %s", code).isEqualTo(200);
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(Parameters.class, response.body())
        .getParameterValue("display")
        .primitiveValue();
  }

  private HttpResponse<String> lookup(String code) {
    return gateway.get("/fhir/CodeSystem/$lookup?system=" + SNOMED + "&code=" + code);
  }

  private ValueSet expand(String filter) {
    HttpResponse<String> response =
        gateway.get("/fhir/ValueSet/$expand?url=" + REASONS + "&filter=" + filter);
    assertThat(response.statusCode()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
  }

  private static Path writeZip(Path zip) {
    try {
      return RELEASE.writeZip(zip);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAllBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
