package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Integration engineers editing the route folder of a running gateway: a new or changed file takes
 * effect without restart; a broken one is refused with file and line, and the routes it would have
 * replaced keep working. Route previews show the effect, without sending anything.
 */
@EmbeddedGateway
class RouteFileReloadTest {

  static final Duration RELOAD = Duration.ofSeconds(15);

  @LocalServerPort int port;
  @Autowired RoutesProperties routes;
  GatewayClient gateway;

  @BeforeEach
  void connect() {
    gateway = new GatewayClient(port);
  }

  @Test
  void aNewRouteFileTakesEffectWithoutRestartAndRemovingItTakesItAway() throws IOException {
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("neurodevelopmental").fromSchool("999002");
    assertThat(previewDestinations(referral)).isEmpty();

    Path file = routes.folder().resolve("neurodevelopmental.yaml");
    Files.writeString(
        file,
        """
        - route:
            id: neurodevelopmental-from-schools
            from:
              uri: gateway:referral
              steps:
                - filter:
                    simple: "${body.pathway} == 'neurodevelopmental' && ${body.referrerKind} == 'school'"
                    steps:
                      - to:
                          uri: gateway:deliver
                          parameters:
                            service: camhs-spa
        """);
    try {
      await()
          .atMost(RELOAD)
          .until(() -> previewDestinations(referral).equals(List.of("camhs-spa")));
    } finally {
      Files.delete(file);
    }
    await().atMost(RELOAD).until(() -> previewDestinations(referral).isEmpty());
  }

  @Test
  void aBrokenRouteFileIsRefusedWithFileAndLineAndTheOldRoutesKeepWorking() throws IOException {
    Path pathways = routes.folder().resolve("referral-pathways.yaml");
    String good = Files.readString(pathways);
    String broken = good.replaceFirst("- filter:", "- filterr:");
    int brokenLine = lineOf(broken, "- filterr:");
    RoutingReferrals urgent = RoutingReferrals.referral().priority(ServiceRequestPriority.URGENT);

    Files.writeString(pathways, broken);
    try {
      await()
          .atMost(RELOAD)
          .until(() -> "rejected".equals(fileStatus("referral-pathways.yaml").get("state")));
      assertThat(fileStatus("referral-pathways.yaml").get("problem"))
          .startsWith(pathways.toAbsolutePath().normalize() + ":" + brokenLine + ": ");
      assertThat(previewDestinations(urgent)).containsExactly("camhs-crisis");
    } finally {
      Files.writeString(pathways, good);
    }
    await()
        .atMost(RELOAD)
        .until(() -> "accepted".equals(fileStatus("referral-pathways.yaml").get("state")));
  }

  @Test
  void aRouteThatSendsAroundTheDeliverBlockIsRefused() throws IOException {
    Path file = routes.folder().resolve("bypass.yaml");
    Files.writeString(
        file,
        """
        - route:
            id: straight-to-partner
            from:
              uri: gateway:referral
              steps:
                - to:
                    uri: https://partner.example.org/fhir
        """);
    try {
      await().atMost(RELOAD).until(() -> "rejected".equals(fileStatus("bypass.yaml").get("state")));
      assertThat(fileStatus("bypass.yaml").get("problem"))
          .isEqualTo(
              file.toAbsolutePath().normalize()
                  + ":6: route straight-to-partner sends to https:, which bypasses consent and"
                  + " audit; deliver with gateway:deliver");
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void routePreviewShowsDestinationConsentAndPayloadWithoutSendingOrStoring() {
    RoutingReferrals referral =
        RoutingReferrals.referral().pathway("eating-disorders").reason("72366004");

    Parameters preview = preview(referral);

    assertThat(preview.getParameter("route").getValue().primitiveValue())
        .isEqualTo("eating-disorders");
    Map<String, String> destination = RoutingBehaviour.flat(preview.getParameter("destination"));
    assertThat(destination)
        .containsEntry("serviceId", "vcse-first-steps-ed")
        .containsEntry("connection", "FHIR_REST")
        // A VCSE service needs an explicit permit, and this young person has given none yet.
        .containsEntry("consentPermitted", "false")
        .containsEntry("consentOutcome", "deny")
        .containsEntry("consentRule", "explicit-permit-missing");
    Bundle payload =
        (Bundle)
            preview.getParameter("destination").getPart().stream()
                .filter(p -> p.getName().equals("payload"))
                .findFirst()
                .orElseThrow()
                .getResource();
    assertThat(payload.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(RoutingBehaviour.partnerRequestsFor(referral)).isEmpty();
    assertThat(
            gateway
                .get(
                    "/fhir/ServiceRequest?identifier=https://referrer.example.org/referrals%7C"
                        + referral.identifier())
                .body())
        .contains("\"total\":0");
  }

  @Test
  void routeFilesFromAFolderAreNotChangedThroughTheApi() {
    Parameters upload = new Parameters();
    upload.addParameter("name", new StringType("referral-pathways.yaml"));
    upload.addParameter("content", new StringType("- route:\n    id: x\n"));

    var response = gateway.post("/fhir/$route-file-upload", upload);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
    assertThat(response.body()).contains("set routes.files.source=database to change them here");
    assertThat(fileStatus("referral-pathways.yaml")).containsEntry("state", "accepted");
  }

  private Parameters preview(RoutingReferrals referral) {
    var response = gateway.post("/fhir/$route-preview", referral.transaction());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  private List<String> previewDestinations(RoutingReferrals referral) {
    return preview(referral).getParameter().stream()
        .filter(p -> p.getName().equals("destination"))
        .map(p -> RoutingBehaviour.flat(p).get("serviceId"))
        .toList();
  }

  private Map<String, String> fileStatus(String fileName) {
    Parameters files =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(Parameters.class, gateway.get("/fhir/$route-files").body());
    return files.getParameter().stream()
        .map(RoutingBehaviour::flat)
        .filter(f -> f.get("location").endsWith("/" + fileName))
        .findFirst()
        .orElse(Map.of());
  }

  private static int lineOf(String text, String fragment) {
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(fragment)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(fragment);
  }
}
