package org.cypmh.routes.routing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the routes decided for one referral, collected while they run and acted on afterwards
 * (stored as deliveries, or shown by {@code $route-preview}). Routes only plan; nothing is sent
 * from inside a route.
 */
public final class RoutingSession {

  /** Exchange property under which the blocks find the session. */
  public static final String PROPERTY = "org.cypmh.routes.session";

  private final List<PlannedDelivery> planned = new ArrayList<>();
  private final Set<String> matchedRoutes = new LinkedHashSet<>();
  private final List<String> unserved = new ArrayList<>();

  void plan(PlannedDelivery delivery) {
    matchedRoutes.add(delivery.routeId());
    boolean alreadyPlanned =
        planned.stream()
            .anyMatch(p -> p.destination().serviceId().equals(delivery.destination().serviceId()));
    if (!alreadyPlanned) {
      planned.add(delivery);
    }
  }

  void noEligibleService(String routeId, String serviceType) {
    matchedRoutes.add(routeId);
    unserved.add(routeId + ": no eligible " + serviceType + " service in the directory");
  }

  /** One delivery per destination: the first route to name a service decides its payload. */
  public List<PlannedDelivery> planned() {
    return List.copyOf(planned);
  }

  public Set<String> matchedRoutes() {
    return Set.copyOf(matchedRoutes);
  }

  /** Routes that matched but found no service to deliver to, with why. */
  public List<String> unserved() {
    return List.copyOf(unserved);
  }
}
