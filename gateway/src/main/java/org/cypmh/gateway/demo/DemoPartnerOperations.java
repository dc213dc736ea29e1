package org.cypmh.gateway.demo;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.cypmh.gateway.demo.DemoPartnerNetwork.Behaviour;
import org.cypmh.gateway.demo.DemoPartnerNetwork.Received;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Steering and viewing the demo partner network, for the operator (not in any partner scope):
 * {@code POST $demo-partner} (service, behaviour = accept | reject | down | slow; without
 * parameters: every service's behaviour) and {@code GET $demo-received?service=} (what that service
 * received, oldest first, each payload exactly as delivered, consent redactions included).
 */
@Component
class DemoPartnerOperations implements FhirOperations {

  private final DemoPartnerNetwork network;

  DemoPartnerOperations(DemoPartnerNetwork network) {
    this.network = network;
  }

  @Operation(name = "$demo-partner")
  public Parameters demoPartner(
      @OperationParam(name = "service", max = 1) StringType service,
      @OperationParam(name = "behaviour", max = 1) StringType behaviour) {
    running();
    if (service != null && service.hasValue()) {
      String name = known(service.getValue());
      if (behaviour == null || !behaviour.hasValue()) {
        throw new InvalidRequestException(
            "'behaviour' is required with 'service': accept, reject, down or slow");
      }
      network.behave(
          name,
          Behaviour.named(behaviour.getValue())
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "Unknown behaviour '"
                              + behaviour.getValue()
                              + "': accept, reject, down or slow")));
    }
    Parameters result = new Parameters();
    for (String each : network.services()) {
      if (service == null || !service.hasValue() || each.equals(service.getValue().trim())) {
        Parameters.ParametersParameterComponent part = result.addParameter().setName("service");
        part.addPart().setName("service").setValue(new StringType(each));
        part.addPart().setName("behaviour").setValue(new CodeType(network.behaviour(each).code()));
        part.addPart()
            .setName("address")
            .setValue(new StringType(network.baseUrl() + "/" + each + "/fhir"));
      }
    }
    return result;
  }

  @Operation(name = "$demo-received", idempotent = true)
  public Parameters demoReceived(
      @OperationParam(name = "service", min = 1, max = 1) StringType service) {
    running();
    if (service == null || !service.hasValue()) {
      throw new InvalidRequestException("'service' is required: " + network.services());
    }
    String name = known(service.getValue());
    Parameters result = new Parameters();
    List<Received> received = network.received(name);
    for (Received delivery : received) {
      Parameters.ParametersParameterComponent part = result.addParameter().setName("received");
      part.addPart().setName("service").setValue(new StringType(delivery.service()));
      part.addPart().setName("at").setValue(new InstantType(java.util.Date.from(delivery.at())));
      part.addPart().setName("path").setValue(new StringType(delivery.path()));
      if (delivery.contentType() != null) {
        part.addPart().setName("contentType").setValue(new StringType(delivery.contentType()));
      }
      part.addPart().setName("payload").setValue(new StringType(delivery.payload()));
    }
    return result;
  }

  private void running() {
    if (!network.running()) {
      throw new InvalidRequestException(
          "The demo partner network is not running (embedded default only:"
              + " gateway.security.demo and gateway.demo-partners.enabled)");
    }
  }

  private String known(String service) {
    String name = service.trim();
    if (!network.services().contains(name)) {
      throw new InvalidRequestException(
          "Unknown demo service '" + name + "': " + String.join(", ", network.services()));
    }
    return name;
  }
}
