package org.cypmh.routes.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.model.DynamicRouterDefinition;
import org.apache.camel.model.EnrichDefinition;
import org.apache.camel.model.PollEnrichDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RecipientListDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RoutingSlipDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;

/**
 * The house rules a route file must follow before it may replace running routes:
 *
 * <ul>
 *   <li>every route has an id, unique across all files, and none takes the gateway's reserved
 *       {@code gateway-} prefix;
 *   <li>routes start from {@code gateway:referral} (a routing rule) or {@code direct:} (a shared
 *       sub-flow);
 *   <li>routes only reach {@code gateway:}, {@code direct:} and {@code log:} endpoints, and no
 *       dynamic recipients: delivery goes through {@code gateway:deliver}, which applies consent,
 *       audit and tracking, so a route cannot send a referral around them.
 * </ul>
 */
final class RouteRules {

  private static final Set<String> ALLOWED_TARGETS = Set.of("gateway", "direct", "log");

  private final String file;
  private final List<RouteDefinition> routes;
  private final Set<String> otherFilesIds;
  private final CamelContext camel;

  RouteRules(
      String file, List<RouteDefinition> routes, Set<String> otherFilesIds, CamelContext camel) {
    this.file = file;
    this.routes = routes;
    this.otherFilesIds = otherFilesIds;
    this.camel = camel;
  }

  void check() {
    if (routes.isEmpty()) {
      throw RouteFileProblem.at(file, null, "the file defines no routes");
    }
    List<String> seen = new ArrayList<>();
    for (RouteDefinition route : routes) {
      Integer line = route.getLineNumber() > 0 ? route.getLineNumber() : null;
      if (!route.hasCustomIdAssigned()) {
        throw RouteFileProblem.at(file, line, "every route needs an id");
      }
      String id = route.getRouteId();
      if (id.startsWith("gateway-")) {
        throw RouteFileProblem.at(
            file, line, "route id " + id + " uses the reserved prefix gateway-");
      }
      if (seen.contains(id) || otherFilesIds.contains(id)) {
        throw RouteFileProblem.at(file, line, "route id " + id + " is used more than once");
      }
      seen.add(id);
      String from = route.getInput().getEndpointUri();
      if (!(from.equals("gateway:referral") || from.startsWith("direct:"))) {
        throw RouteFileProblem.at(
            file,
            line,
            "route " + id + " starts from " + from + "; use gateway:referral or direct:<name>");
      }
      route.getOutputs().forEach(output -> checkTargets(id, output));
    }
  }

  private void checkTargets(String routeId, ProcessorDefinition<?> node) {
    Integer line = node.getLineNumber() > 0 ? node.getLineNumber() : null;
    if (node instanceof RecipientListDefinition<?>
        || node instanceof RoutingSlipDefinition<?>
        || node instanceof DynamicRouterDefinition<?>
        || node instanceof EnrichDefinition
        || node instanceof PollEnrichDefinition) {
      throw RouteFileProblem.at(
          file,
          line,
          "route "
              + routeId
              + " uses "
              + node.getShortName()
              + ", which can reach any endpoint; deliver with gateway:deliver");
    }
    String uri = null;
    if (node instanceof SendDefinition<?> send) {
      uri = send.getEndpointUri();
    } else if (node instanceof ToDynamicDefinition dynamic) {
      uri = dynamic.getUri();
    }
    if (uri != null) {
      String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
      if (!ALLOWED_TARGETS.contains(scheme)) {
        throw RouteFileProblem.at(
            file,
            line,
            "route "
                + routeId
                + " sends to "
                + scheme
                + ":, which bypasses consent and audit; deliver with gateway:deliver");
      }
      if (scheme.equals("gateway")) {
        // Builds the endpoint now, so a wrong block or parameter is reported here, with its line.
        try {
          camel.getEndpoint(uri);
        } catch (RuntimeException e) {
          throw RouteFileProblem.at(file, line, rootMessage(e));
        }
      }
    }
    node.getOutputs().forEach(child -> checkTargets(routeId, child));
  }

  private static String rootMessage(Throwable error) {
    Throwable deepest = error;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    return deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
  }
}
