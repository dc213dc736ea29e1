package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The gateway keeps the service directory's answers between referrals (issue 25), yet an edit
 * through the FHIR API still applies to the very next referral on the node that took it.
 */
@EmbeddedGateway
class DirectoryEditTest {

  private static final String SERVICE_IDS = "https://cypmh-gateway.org/fhir/Id/service";

  @LocalServerPort int port;

  @Test
  void anEndpointEditAppliesToTheNextReferral() {
    GatewayClient gateway = new GatewayClient(port);
    HealthcareService spa =
        (HealthcareService)
            gateway
                .fhir()
                .search()
                .forResource(HealthcareService.class)
                .where(
                    HealthcareService.IDENTIFIER.exactly().systemAndCode(SERVICE_IDS, "camhs-spa"))
                .returnBundle(Bundle.class)
                .execute()
                .getEntryFirstRep()
                .getResource();
    Endpoint endpoint =
        gateway
            .fhir()
            .read()
            .resource(Endpoint.class)
            .withId(spa.getEndpointFirstRep().getReferenceElement())
            .execute();
    String address = endpoint.getAddress();
    assertThat(endpointsPreviewed(gateway)).containsExactly(address);

    try {
      gateway.fhir().update().resource(endpoint.setAddress(address + "/moved")).execute();

      assertThat(endpointsPreviewed(gateway)).containsExactly(address + "/moved");
    } finally {
      Endpoint current =
          gateway
              .fhir()
              .read()
              .resource(Endpoint.class)
              .withId(endpoint.getIdElement().toVersionless())
              .execute();
      gateway.fhir().update().resource(current.setAddress(address)).execute();
    }
    assertThat(endpointsPreviewed(gateway)).containsExactly(address);
  }

  /** The endpoint addresses {@code $route-preview} names for a general CAMHS referral. */
  private static List<String> endpointsPreviewed(GatewayClient gateway) {
    var response = gateway.post("/fhir/$route-preview", RoutingReferrals.referral().transaction());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Parameters preview =
        GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
    return preview.getParameter().stream()
        .filter(p -> p.getName().equals("destination"))
        .map(DirectoryEditTest::endpointOf)
        .toList();
  }

  private static String endpointOf(ParametersParameterComponent destination) {
    return destination.getPart().stream()
        .filter(part -> part.getName().equals("endpoint"))
        .map(part -> part.getValue().primitiveValue())
        .findFirst()
        .orElse(null);
  }
}
