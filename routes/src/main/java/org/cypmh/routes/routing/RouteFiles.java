package org.cypmh.routes.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.cypmh.routes.api.RoutesProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The route files: loaded at start (the configured folder, or the packaged demo routes), watched in
 * the folder, and swapped in one file at a time. A file is checked before it replaces anything
 * ({@link RouteRules}); if it is invalid, or Camel cannot build it, the routes it would have
 * replaced keep running and the problem is reported with file and line.
 */
@Component
public class RouteFiles implements CamelContextConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RouteFiles.class);
  static final String DEMO_ROUTES = "classpath:routes/demo/*.yaml";

  private final RoutesProperties properties;
  private final Clock clock;
  private final Map<String, String> goodText = new LinkedHashMap<>();
  private final Map<String, Set<String>> routeIdsByFile = new LinkedHashMap<>();
  private final Map<String, RouteFileStatus> statusByFile = new LinkedHashMap<>();
  private CamelContext camel;

  RouteFiles(RoutesProperties properties, Clock clock) {
    this.properties = properties;
    this.clock = clock;
  }

  @Override
  public void beforeApplicationStart(CamelContext camelContext) {
    this.camel = camelContext;
    camelContext.setSourceLocationEnabled(true);
    Map<String, String> files = initialFiles();
    if (files.isEmpty()) {
      throw new IllegalStateException(
          "No route files found in " + describeSource() + ": the gateway cannot route referrals");
    }
    files.forEach(
        (location, text) -> {
          RouteFileStatus status = apply(location, text);
          if (!status.accepted()) {
            // At start there is nothing older to fall back on: refuse to run with partial routing.
            throw new IllegalStateException("Route file rejected: " + status.problem());
          }
        });
  }

  @Override
  public void afterApplicationStart(CamelContext camelContext) {
    if (properties.folder() == null) {
      return;
    }
    FileWatcherResourceReloadStrategy watcher =
        new FileWatcherResourceReloadStrategy(properties.folder().toAbsolutePath().toString());
    watcher.setFileFilter(f -> f.getName().endsWith(".yaml"));
    watcher.setResourceReload((name, resource) -> reload(Path.of(name)));
    try {
      camelContext.addService(watcher, true, true);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot watch route folder " + properties.folder(), e);
    }
  }

  /** The last load outcome of every route file, by file. */
  public synchronized List<RouteFileStatus> status() {
    return List.copyOf(statusByFile.values());
  }

  /** Reloads one file of the route folder (also called by the folder watcher). */
  public RouteFileStatus reload(Path file) {
    String location = file.toAbsolutePath().normalize().toString();
    if (!Files.exists(file)) {
      return remove(location);
    }
    String text = read(file);
    if (text.isBlank()) {
      // Editors truncate, then write: an empty file is a save in progress, not an empty route set.
      // Delete the file to remove its routes.
      synchronized (this) {
        return statusByFile.getOrDefault(
            location,
            RouteFileStatus.rejected(location, location + ": empty file", clock.instant()));
      }
    }
    return apply(location, text);
  }

  synchronized RouteFileStatus apply(String location, String text) {
    Set<String> previousIds = routeIdsByFile.getOrDefault(location, Set.of());
    RouteFileStatus status;
    try {
      Parsed parsed = parse(location, text);
      new RouteRules(location, parsed.routes(), otherFilesRouteIds(location), camel).check();
      swap(location, previousIds, parsed);
      goodText.put(location, text);
      routeIdsByFile.put(location, parsed.routeIds());
      status = RouteFileStatus.accepted(location, parsed.routeIds(), clock.instant());
      log.info("Route file {} loaded: routes {}", location, parsed.routeIds());
    } catch (RouteFileProblem problem) {
      status = RouteFileStatus.rejected(location, problem.getMessage(), clock.instant());
      log.error("Route file rejected, previous routes stay active: {}", problem.getMessage());
      restore(location);
    }
    statusByFile.put(location, status);
    return status;
  }

  private synchronized RouteFileStatus remove(String location) {
    for (String id : routeIdsByFile.getOrDefault(location, Set.of())) {
      removeRoute(id);
    }
    routeIdsByFile.remove(location);
    goodText.remove(location);
    RouteFileStatus status = RouteFileStatus.removed(location, clock.instant());
    statusByFile.put(location, status);
    log.info("Route file {} removed: its routes are stopped", location);
    return status;
  }

  private Parsed parse(String location, String text) {
    try {
      Resource resource = ResourceHelper.fromString(location, text);
      Collection<RoutesBuilder> builders =
          PluginHelper.getRoutesLoader(camel).findRoutesBuilders(List.of(resource));
      List<RouteDefinition> routes = new ArrayList<>();
      for (RoutesBuilder builder : builders) {
        routes.addAll(((RouteBuilder) builder).configureRoutes(camel).getRoutes());
      }
      return new Parsed(List.copyOf(builders), routes);
    } catch (Exception e) {
      throw RouteFileProblem.of(location, e);
    }
  }

  private void swap(String location, Set<String> previousIds, Parsed parsed) {
    try {
      for (String id : previousIds) {
        if (!parsed.routeIds().contains(id)) {
          removeRoute(id);
        }
      }
      for (RoutesBuilder builder : parsed.builders()) {
        if (builder instanceof RouteConfigurationBuilder configurations) {
          configurations.updateRouteConfigurationsToCamelContext(camel);
        }
        builder.updateRoutesToCamelContext(camel);
      }
    } catch (Exception e) {
      for (String id : parsed.routeIds()) {
        removeRoute(id);
      }
      throw RouteFileProblem.of(location, e, parsed.routes());
    }
  }

  /** After a failed swap, puts the last good version of the file back. */
  private void restore(String location) {
    String previous = goodText.get(location);
    if (previous == null) {
      return;
    }
    try {
      Parsed parsed = parse(location, previous);
      for (RoutesBuilder builder : parsed.builders()) {
        builder.updateRoutesToCamelContext(camel);
      }
    } catch (Exception e) {
      log.error("Could not restore the previous routes of {}", location, e);
    }
  }

  private void removeRoute(String id) {
    try {
      camel.getRouteController().stopRoute(id);
      camel.removeRoute(id);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot stop route " + id, e);
    }
  }

  private Set<String> otherFilesRouteIds(String location) {
    Set<String> ids = new LinkedHashSet<>();
    routeIdsByFile.forEach(
        (file, routeIds) -> {
          if (!file.equals(location)) {
            ids.addAll(routeIds);
          }
        });
    return ids;
  }

  private Map<String, String> initialFiles() {
    Map<String, String> files = new LinkedHashMap<>();
    if (properties.folder() != null) {
      Path folder = properties.folder();
      if (!Files.isDirectory(folder)) {
        throw new IllegalStateException("routes.folder " + folder + " is not a directory");
      }
      try (Stream<Path> listing = Files.list(folder)) {
        listing
            .filter(p -> p.getFileName().toString().endsWith(".yaml"))
            .sorted()
            .forEach(p -> files.put(p.toAbsolutePath().normalize().toString(), read(p)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return files;
    }
    try {
      for (org.springframework.core.io.Resource resource :
          new PathMatchingResourcePatternResolver().getResources(DEMO_ROUTES)) {
        files.put(
            "classpath:routes/demo/" + resource.getFilename(),
            resource.getContentAsString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private String describeSource() {
    return Optional.ofNullable(properties.folder()).map(Path::toString).orElse(DEMO_ROUTES);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Parsed(List<RoutesBuilder> builders, List<RouteDefinition> routes) {
    Set<String> routeIds() {
      Set<String> ids = new LinkedHashSet<>();
      routes.forEach(r -> ids.add(r.getRouteId()));
      return ids;
    }
  }
}
