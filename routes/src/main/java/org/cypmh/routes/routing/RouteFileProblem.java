package org.cypmh.routes.routing;

import java.util.List;
import java.util.Optional;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.model.RouteDefinition;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/** Why a route file cannot be used, as {@code file:line: problem} for the engineer who wrote it. */
final class RouteFileProblem extends RuntimeException {

  private RouteFileProblem(String message) {
    super(message, null, false, false);
  }

  static RouteFileProblem at(String file, Integer line, String problem) {
    return new RouteFileProblem(file + (line == null ? "" : ":" + line) + ": " + problem);
  }

  /** A file that does not parse: the YAML parser's mark gives the line. */
  static RouteFileProblem of(String file, Throwable error) {
    return of(file, error, List.of());
  }

  /** A file that parses but that Camel cannot build: the failing route's line. */
  static RouteFileProblem of(String file, Throwable error, List<RouteDefinition> routes) {
    Integer line = yamlLine(error).orElse(null);
    if (line == null && error instanceof FailedToCreateRouteException failed) {
      line =
          routes.stream()
              .filter(
                  r -> failed.getRouteId() != null && failed.getRouteId().equals(r.getRouteId()))
              .map(RouteDefinition::getLineNumber)
              .filter(n -> n != null && n > 0)
              .findFirst()
              .orElse(null);
    }
    return at(file, line, rootMessage(error));
  }

  private static Optional<Integer> yamlLine(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof MarkedYamlEngineException marked) {
        Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
        if (mark.isPresent()) {
          return Optional.of(mark.get().getLine() + 1);
        }
      }
    }
    return Optional.empty();
  }

  private static String rootMessage(Throwable error) {
    Throwable deepest = error;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    String message =
        deepest.getMessage() == null ? deepest.getClass().getSimpleName() : deepest.getMessage();
    // snakeyaml repeats the file and a caret drawing after the first line; the first line says it.
    return message.lines().findFirst().orElse(message).trim();
  }
}
