package org.cypmh.routes.routing;

import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.routing.ReferralEndpoint.RuleConsumer;
import org.springframework.stereotype.Component;

/**
 * Runs every routing rule (every route from {@code gateway:referral}) over one referral and returns
 * what they decided. Nothing is stored or sent here: the caller does that, or, for {@code
 * $route-preview}, only shows it.
 */
@Component
public class ReferralRouter {

  private final CamelContext camel;

  ReferralRouter(CamelContext camel) {
    this.camel = camel;
  }

  /**
   * @throws RoutingFailed if no rules are loaded or a rule fails: the referral must then wait and
   *     be routed again, never be treated as matching nothing
   */
  public RoutingSession decide(RoutableReferral referral) {
    List<RuleConsumer> rules =
        camel.getEndpoint("gateway:referral", ReferralEndpoint.class).rules();
    if (rules.isEmpty()) {
      throw new RoutingFailed("no routing rules are loaded", null);
    }
    RoutingSession session = new RoutingSession();
    for (RuleConsumer rule : rules) {
      Exchange exchange = rule.createExchange(false);
      try {
        exchange.getIn().setBody(referral.copy());
        exchange.setProperty(RoutingSession.PROPERTY, session);
        rule.getProcessor().process(exchange);
        if (exchange.getException() != null) {
          throw new RoutingFailed(
              "route " + rule.getRouteId() + " failed", exchange.getException());
        }
      } catch (RoutingFailed e) {
        throw e;
      } catch (Exception e) {
        throw new RoutingFailed("route " + rule.getRouteId() + " failed", e);
      } finally {
        rule.releaseExchange(exchange, false);
      }
    }
    return session;
  }

  /** A referral could not be routed now; it stays queued. */
  public static final class RoutingFailed extends RuntimeException {
    public RoutingFailed(String message, Throwable cause) {
      super(cause == null ? message : message + ": " + describe(cause), cause);
    }

    // Our own blocks explain the route author's mistake; other exceptions are named by class only,
    // because their messages may quote referral content.
    private static String describe(Throwable cause) {
      return cause instanceof IllegalStateException || cause instanceof IllegalArgumentException
          ? cause.getMessage()
          : cause.getClass().getSimpleName();
    }
  }
}
