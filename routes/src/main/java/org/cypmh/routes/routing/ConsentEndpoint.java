package org.cypmh.routes.routing;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.ServiceDirectory;

/**
 * {@code gateway:consent?service=adult-cmht}: asks the consent service whether the referral may go
 * to that service and sets the headers {@code ConsentPermitted} (boolean) and {@code
 * ConsentReason}, for routes that choose a destination by consent. Delivery checks consent again
 * whatever a route does.
 */
final class ConsentEndpoint extends DefaultEndpoint {

  static final String PERMITTED_HEADER = "ConsentPermitted";
  static final String REASON_HEADER = "ConsentReason";

  private final String service;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;

  ConsentEndpoint(
      String uri,
      GatewayComponent component,
      String service,
      ServiceDirectory directory,
      ConsentCheck consent) {
    super(uri, component);
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("gateway:consent needs service=<service identifier>");
    }
    this.service = service;
    this.directory = directory;
    this.consent = consent;
  }

  @Override
  public Producer createProducer() {
    return new DefaultProducer(this) {
      @Override
      public void process(Exchange exchange) {
        ConsentDecision decision =
            directory
                .byId(service)
                .map(s -> consent.decide(Blocks.referral(exchange, "gateway:consent"), s))
                .orElse(
                    ConsentDecision.deny(
                        "unknown-recipient", "service " + service + " is not in the directory"));
        exchange.getMessage().setHeader(PERMITTED_HEADER, decision.permitted());
        exchange.getMessage().setHeader(REASON_HEADER, decision.reason());
      }
    };
  }

  @Override
  public Consumer createConsumer(Processor processor) {
    throw new UnsupportedOperationException("gateway:consent can only be sent to");
  }
}
