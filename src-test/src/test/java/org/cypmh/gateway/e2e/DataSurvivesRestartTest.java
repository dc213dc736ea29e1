package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.cypmh.gateway.GatewayApplication;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The embedded default keeps referrals and their search index in its data folder across restarts. */
class DataSurvivesRestartTest {

  @Test
  void referralStoredBeforeRestartIsReadableAndSearchableAfterIt() throws Exception {
    Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
    String nhsNumber = NhsNumbers.next();
    String referralId;
    try (ConfigurableApplicationContext first = start(dataDir)) {
      Bundle created = new GatewayClient(port(first)).fhir().transaction()
          .withBundle(TestReferrals.transaction(nhsNumber, TestReferrals.eatingDisorderReferral("Bingeing after school")))
          .execute();
      referralId = FoundationBehaviour.idOf(created, 1);
    }

    try (ConfigurableApplicationContext second = start(dataDir)) {
      GatewayClient gateway = new GatewayClient(port(second));
      ServiceRequest read = gateway.fhir().read().resource(ServiceRequest.class).withId(referralId).execute();
      Bundle byWords = gateway.fhir().search().byUrl("ServiceRequest?_content=bingeing")
          .returnBundle(Bundle.class).execute();

      assertThat(read.getReasonCodeFirstRep().getText()).isEqualTo("Bingeing after school");
      assertThat(byWords.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
          .containsExactly(referralId);
    }
  }

  private static ConfigurableApplicationContext start(Path dataDir) {
    // Command-line arguments outrank application.yaml, as they would for an operator.
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run("--server.port=0", "--gateway.storage.data-dir=" + dataDir);
  }

  private static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }
}
