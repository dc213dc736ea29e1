package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cypmh.gateway.GatewayApplication;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default keeps referrals and their search index in its data folder across restarts.
 */
class DataSurvivesRestartTest {

  @Test
  void referralStoredBeforeRestartIsReadableAndSearchableAfterIt() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
    String nhsNumber = NhsNumbers.next();
    String referralId;
    try (ConfigurableApplicationContext first = start(dataDir)) {
      Bundle created =
          new GatewayClient(port(first))
              .fhir()
              .transaction()
              .withBundle(
                  TestReferrals.transaction(
                      nhsNumber, TestReferrals.eatingDisorderReferral("Bingeing after school")))
              .execute();
      referralId = FoundationBehaviour.idOf(created, 1);
    }

    try (ConfigurableApplicationContext second = start(dataDir)) {
      GatewayClient gateway = new GatewayClient(port(second));
      ServiceRequest read =
          gateway.fhir().read().resource(ServiceRequest.class).withId(referralId).execute();
      Bundle byWords =
          gateway
              .fhir()
              .search()
              .byUrl("ServiceRequest?_content=bingeing")
              .returnBundle(Bundle.class)
              .execute();

      assertThat(read.getReasonCodeFirstRep().getText()).isEqualTo("Bingeing after school");
      assertThat(byWords.getEntry())
          .extracting(e -> e.getResource().getIdElement().getIdPart())
          .containsExactly(referralId);
    }
  }

  @Test
  void terminologyIsLoadedOnceAndLeftAloneOnRestart() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
    try (ConfigurableApplicationContext first = start(dataDir)) {
      assertThat(snomedLookup(new GatewayClient(port(first)))).isEqualTo("Eating disorder");
    }

    try (ConfigurableApplicationContext second = start(dataDir)) {
      GatewayClient gateway = new GatewayClient(port(second));
      Bundle pathways =
          gateway
              .fhir()
              .search()
              .byUrl(
                  "CodeSystem?url=https://cypmh-gateway.org/fhir/CodeSystem/cypmh-referral-pathway")
              .returnBundle(Bundle.class)
              .execute();
      Bundle snomed =
          gateway
              .fhir()
              .search()
              .byUrl("CodeSystem?url=http://snomed.info/sct")
              .returnBundle(Bundle.class)
              .execute();
      ValueSet reasons =
          GatewayClient.FHIR
              .newJsonParser()
              .parseResource(
                  ValueSet.class,
                  gateway
                      .get(
                          "/fhir/ValueSet/$expand?url=https://cypmh-gateway.org/fhir/ValueSet/cypmh-referral-reason")
                      .body());

      assertThat(pathways.getEntry())
          .singleElement()
          .satisfies(e -> assertThat(e.getResource().getMeta().getVersionId()).isEqualTo("1"));
      assertThat(snomed.getEntry()).hasSize(1);
      assertThat(snomedLookup(gateway)).isEqualTo("Eating disorder");
      // Every reason-for-referral concept of the seed, once: none lost, none duplicated.
      assertThat(reasons.getExpansion().getContains())
          .extracting(c -> c.getCode())
          .hasSize(29)
          .doesNotHaveDuplicates();
    }
  }

  private static String snomedLookup(GatewayClient gateway) {
    Parameters result =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Parameters.class,
                gateway
                    .get("/fhir/CodeSystem/$lookup?system=http://snomed.info/sct&code=72366004")
                    .body());
    return result.getParameterValue("display").primitiveValue();
  }

  private static ConfigurableApplicationContext start(Path dataDir) {
    // Command-line arguments outrank application.yaml, as they would for an operator.
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run(
            "--server.port=0",
            "--gateway.storage.data-dir=" + dataDir,
            "--gateway.security.mode=trusted-header",
            "--gateway.security.mtls.enabled=false");
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
