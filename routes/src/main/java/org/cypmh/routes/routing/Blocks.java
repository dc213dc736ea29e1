package org.cypmh.routes.routing;

import org.apache.camel.Exchange;
import org.cypmh.routes.api.RoutableReferral;

/** What every block needs from the exchange, with the route author's mistake named if missing. */
final class Blocks {

  private Blocks() {}

  static RoutingSession session(Exchange exchange, String block) {
    RoutingSession session = exchange.getProperty(RoutingSession.PROPERTY, RoutingSession.class);
    if (session == null) {
      throw new IllegalStateException(
          block + " can only be used in a route that starts from gateway:referral");
    }
    return session;
  }

  static RoutableReferral referral(Exchange exchange, String block) {
    Object body = exchange.getMessage().getBody();
    if (!(body instanceof RoutableReferral referral)) {
      throw new IllegalStateException(
          block
              + " needs the referral as the message body; route "
              + exchange.getFromRouteId()
              + " replaced it");
    }
    return referral;
  }
}
