package org.cypmh.routes.routing;

import java.time.Instant;
import java.util.Set;

/**
 * The outcome of the last load of one route file.
 *
 * @param file where it was loaded from
 * @param state accepted, rejected (the previous routes stay active) or removed
 * @param routeIds routes the file now provides
 * @param problem for a rejected file: {@code file:line: what is wrong}
 * @param at when
 */
public record RouteFileStatus(
    String file, String state, Set<String> routeIds, String problem, Instant at) {

  static RouteFileStatus accepted(String file, Set<String> routeIds, Instant at) {
    return new RouteFileStatus(file, "accepted", Set.copyOf(routeIds), null, at);
  }

  static RouteFileStatus rejected(String file, String problem, Instant at) {
    return new RouteFileStatus(file, "rejected", Set.of(), problem, at);
  }

  static RouteFileStatus removed(String file, Instant at) {
    return new RouteFileStatus(file, "removed", Set.of(), null, at);
  }

  public boolean accepted() {
    return "accepted".equals(state);
  }
}
