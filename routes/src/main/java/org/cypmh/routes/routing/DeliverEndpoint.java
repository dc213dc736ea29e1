package org.cypmh.routes.routing;

import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;

/**
 * {@code gateway:deliver?service=camhs-crisis} or {@code gateway:deliver?serviceType=mhst}: the
 * only way a route reaches a partner. It plans a delivery in the routing session, with the consent
 * decision for that destination; the gateway then stores, sends, retries, audits and tracks it.
 */
final class DeliverEndpoint extends DefaultEndpoint {

  private final String service;
  private final String serviceType;
  private final ServiceDirectory directory;
  private final ConsentCheck consent;

  DeliverEndpoint(
      String uri,
      GatewayComponent component,
      String service,
      String serviceType,
      ServiceDirectory directory,
      ConsentCheck consent) {
    super(uri, component);
    if ((service == null) == (serviceType == null)) {
      throw new IllegalArgumentException(
          "gateway:deliver needs exactly one of service=<service identifier> or serviceType=<code>");
    }
    this.service = service;
    this.serviceType = serviceType;
    this.directory = directory;
    this.consent = consent;
  }

  @Override
  public Producer createProducer() {
    return new DefaultProducer(this) {
      @Override
      public void process(Exchange exchange) {
        deliver(exchange);
      }
    };
  }

  @Override
  public Consumer createConsumer(Processor processor) {
    throw new UnsupportedOperationException("gateway:deliver can only be sent to");
  }

  private void deliver(Exchange exchange) {
    RoutingSession session = Blocks.session(exchange, "gateway:deliver");
    RoutableReferral referral = Blocks.referral(exchange, "gateway:deliver");
    String routeId = exchange.getFromRouteId();
    DirectoryService destination;
    if (service != null) {
      destination =
          directory
              .byId(service)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Route "
                              + routeId
                              + " delivers to service '"
                              + service
                              + "', which is not an active service in the directory"));
    } else {
      destination = referral.eligibleService(serviceType).orElse(null);
      if (destination == null) {
        session.noEligibleService(routeId, serviceType);
        return;
      }
    }
    session.plan(
        new PlannedDelivery(routeId, destination, consent.decide(referral, destination), referral));
  }
}
