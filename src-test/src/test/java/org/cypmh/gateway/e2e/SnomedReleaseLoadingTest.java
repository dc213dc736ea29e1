package org.cypmh.gateway.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.term.api.ITermDeferredStorageSvc;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.cypmh.gateway.GatewayApplication;
import org.cypmh.terminology.api.TerminologyContent;
import org.cypmh.terminology.rf2.Rf2Fixture;
import org.cypmh.terminology.rf2.Rf2Fixture.Part;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A SNOMED CT release (International Edition plus UK Clinical Extension, RF2) loaded by the
 * operator into a running gateway that was started without the SNOMED CT seed, as a production
 * deployment loads the UK edition: the release zip is copied into the import folder and {@code
 * $snomed-load} loads it in the background (through HAPI's terminology loader) while {@code
 * $snomed-load-status} is polled. The release is the terminology module's tiny {@link Rf2Fixture}
 * with real subsumption between some seed concepts, so hierarchy, ECL and implicit ValueSets are
 * checked on real codes.
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

  private static final Rf2Fixture RELEASE = Rf2Fixture.fromPackagedContent().withKnownSubsumption();

  private static Path importDir;
  private static Parameters loaded;

  @LocalServerPort int port;
  GatewayClient gateway;

  /** A fresh data folder per run (target/e2e-data/rf2-*), so reruns never see old data. */
  @DynamicPropertySource
  static void freshDataDir(DynamicPropertyRegistry registry) throws IOException {
    Path parent = Files.createDirectories(Path.of("target", "e2e-data").toAbsolutePath());
    Path dataDir = Files.createTempDirectory(parent, "rf2-");
    importDir = Files.createDirectories(dataDir.resolve("import"));
    registry.add("gateway.storage.data-dir", dataDir::toString);
    registry.add("gateway.terminology.import-dir", importDir::toString);
  }

  /**
   * The operator copies the release zip into the import folder, asks {@code $snomed-load} to load
   * it and polls {@code $snomed-load-status} until it is done.
   *
   * <p>HAPI saves the first {@code deferIndexingForCodesystemsOfSize} concepts (100 by default) in
   * the upload's transaction and queues the rest for {@link ITermDeferredStorageSvc}, a scheduled
   * job that runs every 5 seconds. The fixture has only 81 concepts, so the threshold is lowered
   * for the load, so that most of its concepts take the deferred path a real edition's concepts
   * take; the load reports done only once that storage has drained.
   */
  @BeforeAll
  static void loadTheRelease(
      @Autowired JpaStorageSettings storageSettings, @LocalServerPort int port) throws IOException {
    RELEASE.writeZip(importDir.resolve("uk_sct2cl_fixture.zip"));
    RELEASE.writeTo(importDir.resolve("unpacked"));
    GatewayClient operator = new GatewayClient(port);
    int threshold = storageSettings.getDeferIndexingForCodesystemsOfSize();
    storageSettings.setDeferIndexingForCodesystemsOfSize(DEFER_AFTER);
    try {
      HttpResponse<String> started =
          operator.post("/fhir/$snomed-load", sources("uk_sct2cl_fixture.zip"));
      assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
      String load = parameters(started).getParameterValue("load").primitiveValue();

      await("the SNOMED CT load to finish")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                Parameters status =
                    parameters(operator.get("/fhir/$snomed-load-status?load=" + load));
                String phase = status.getParameterValue("phase").primitiveValue();
                if (phase.equals("done") || phase.equals("failed")) {
                  loaded = status;
                  return true;
                }
                return false;
              });
    } finally {
      storageSettings.setDeferIndexingForCodesystemsOfSize(threshold);
    }
  }

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void theLoadReportsEveryActiveConceptOfBothPartsStoredFromOneLoad() {
    assertThat(RELEASE.conceptIds(Part.INTERNATIONAL)).contains(INTERNATIONAL_CONCEPT);
    assertThat(RELEASE.conceptIds(Part.UK_CLINICAL)).contains(UK_CONCEPT).hasSize(6);

    assertThat(loaded.getParameterValue("phase").primitiveValue()).isEqualTo("done");
    // 75 International (the root, Is a and 73 seed concepts) + 6 UK extension concepts.
    assertThat(count("storedByHapi"))
        .isEqualTo(
            RELEASE.conceptIds(Part.INTERNATIONAL).size()
                + RELEASE.conceptIds(Part.UK_CLINICAL).size())
        .isEqualTo(81);
    assertThat(count("concepts")).isEqualTo(81);
    // One is-a relationship per concept but the root.
    assertThat(count("relationships")).isEqualTo(80);
    assertThat(loaded.getParameterValue("finished")).isNotNull();
  }

  @Test
  void anExtensionWithoutItsBaseIsRefusedBeforeAnythingIsLoaded() {
    HttpResponse<String> response =
        gateway.post("/fhir/$snomed-load", sources("unpacked/" + Part.UK_CLINICAL.packageFolder()));

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        .contains("extension without its base")
        .contains("138875005");
  }

  @Test
  void aSourceOutsideTheImportFolderIsRefused() {
    HttpResponse<String> response = gateway.post("/fhir/$snomed-load", sources("../../pom.xml"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        .contains("inside the import folder");
  }

  @Test
  void isaImplicitValueSetExpandsToTheConceptAndItsDescendants() {
    ValueSet result = expandUrl("http://snomed.info/sct?fhir_vs=isa/72366004", "");

    assertThat(result.getExpansion().getTotal()).isEqualTo(4);
    assertThat(result.getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder("72366004", "56882008", "78004001", "439960005");
  }

  @Test
  void eclImplicitValueSetExpandsExactlyAndTakesAFilter() {
    String ecl = URLEncoder.encode("< 3457005 |Patient referral| MINUS << 183524004", UTF_8);

    ValueSet all = expandUrl("http://snomed.info/sct?fhir_vs=ecl/" + ecl, "");
    ValueSet filtered = expandUrl("http://snomed.info/sct?fhir_vs=ecl/" + ecl, "&filter=team");

    assertThat(all.getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder("306206005", "390866009");
    assertThat(filtered.getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode)
        .containsExactly("390866009");
  }

  @Test
  void ourValueSetMayUseAnEclComposeFilter() {
    // POST ValueSet/$expand with an inline ValueSet: SNOMED CT, compose filter
    // constraint = "<< 72366004 MINUS 439960005", and a filter.
    ValueSet eatingDisorders = new ValueSet();
    eatingDisorders.setUrl("https://cypmh-gateway.org/fhir/ValueSet/test-eating-disorders");
    eatingDisorders.setStatus(Enumerations.PublicationStatus.DRAFT);
    eatingDisorders
        .getCompose()
        .addInclude()
        .setSystem(SNOMED)
        .addFilter()
        .setProperty("constraint")
        .setOp(ValueSet.FilterOperator.EQUAL)
        .setValue("<< 72366004 |Eating disorder| MINUS 439960005");
    Parameters request = new Parameters();
    request.addParameter().setName("valueSet").setResource(eatingDisorders);
    request.addParameter("filter", "nervosa");

    HttpResponse<String> response = gateway.post("/fhir/ValueSet/$expand", request);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    ValueSet result =
        GatewayClient.FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
    assertThat(result.getExpansion().getTotal()).isEqualTo(2);
    assertThat(result.getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode)
        .containsExactlyInAnyOrder("56882008", "78004001");
  }

  @Test
  void validateCodeAgainstAnImplicitValueSet() {
    String url = "http://snomed.info/sct?fhir_vs=isa/72366004";

    Parameters member = parameters(validate(url, "56882008"));
    Parameters notMember = parameters(validate(url, "21897009"));

    assertThat(member.getParameterBool("result")).isTrue();
    assertThat(member.getParameterValue("display").primitiveValue()).isEqualTo("Anorexia nervosa");
    assertThat(notMember.getParameterBool("result")).isFalse();
  }

  @Test
  void invalidEclIsABadRequestNamingThePosition() {
    HttpResponse<String> response =
        gateway.get(
            "/fhir/ValueSet/$expand?url=http://snomed.info/sct?fhir_vs=ecl/"
                + URLEncoder.encode("<< 72366004 :", UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(GatewayClient.outcome(response).getIssueFirstRep().getDiagnostics())
        .contains("ECL at character");
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

  private ValueSet expandUrl(String url, String more) {
    HttpResponse<String> response =
        gateway.get("/fhir/ValueSet/$expand?url=" + URLEncoder.encode(url, UTF_8) + more);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
  }

  private HttpResponse<String> validate(String url, String code) {
    return gateway.get(
        "/fhir/ValueSet/$validate-code?url="
            + URLEncoder.encode(url, UTF_8)
            + "&system="
            + SNOMED
            + "&code="
            + code);
  }

  private static int count(String name) {
    return Integer.parseInt(loaded.getParameterValue(name).primitiveValue());
  }

  private static Parameters sources(String... names) {
    Parameters parameters = new Parameters();
    for (String name : names) {
      parameters.addParameter("source", name);
    }
    return parameters;
  }

  private static Parameters parameters(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }
}
