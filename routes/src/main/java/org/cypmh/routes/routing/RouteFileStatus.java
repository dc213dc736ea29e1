package org.cypmh.routes.routing;

import java.time.Instant;
import java.util.Set;

/**
 * The outcome of the last load of one route file.
 *
 * @param file where it was loaded from (a file name, for route files kept in the database)
 * @param state accepted, rejected (the previous routes stay active) or removed
 * @param routeIds routes the file now provides
 * @param problem for a rejected file: {@code file:line: what is wrong}
 * @param at when
 * @param stored for route files kept in the database: the version loaded (or refused), null
 *     otherwise
 */
public record RouteFileStatus(
    String file,
    String state,
    Set<String> routeIds,
    String problem,
    Instant at,
    RouteFileVersion stored) {

  static RouteFileStatus accepted(String file, Set<String> routeIds, Instant at) {
    return new RouteFileStatus(file, "accepted", Set.copyOf(routeIds), null, at, null);
  }

  static RouteFileStatus rejected(String file, String problem, Instant at) {
    return new RouteFileStatus(file, "rejected", Set.of(), problem, at, null);
  }

  static RouteFileStatus removed(String file, Instant at) {
    return new RouteFileStatus(file, "removed", Set.of(), null, at, null);
  }

  RouteFileStatus storedAs(RouteFileVersion version) {
    return new RouteFileStatus(file, state, routeIds, problem, at, version);
  }

  public boolean accepted() {
    return "accepted".equals(state);
  }
}
