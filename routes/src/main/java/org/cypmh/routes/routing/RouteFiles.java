package org.cypmh.routes.routing;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
 * The route files: loaded at start and swapped in one file at a time. They come from the configured
 * folder (or the packaged demo routes), watched on this node, or, with {@code
 * routes.files.source=database}, from the versions in the database ({@link RouteFileStore}), which
 * every node polls so all run the same routes. A file is checked before it replaces anything
 * ({@link RouteRules}); if it is invalid, or Camel cannot build it, the routes it would have
 * replaced keep running and the problem is reported with file and line.
 */
@Component
public class RouteFiles implements CamelContextConfiguration {

  private static final Logger log = LoggerFactory.getLogger(RouteFiles.class);
  static final String DEMO_ROUTES = "classpath:routes/demo/*.yaml";

  private static final Pattern FILE_NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,94}\\.yaml");

  private final RoutesProperties properties;
  private final RouteFilesProperties files;
  private final RouteFileStore store;
  private final Clock clock;

  /** With the database as source: the version of each file this node last loaded (or tried). */
  private final Map<String, RouteFileVersion> loadedVersions = new LinkedHashMap<>();

  private final Map<String, String> goodText = new LinkedHashMap<>();
  private final Map<String, Set<String>> routeIdsByFile = new LinkedHashMap<>();
  private final Map<String, RouteFileStatus> statusByFile = new LinkedHashMap<>();
  private CamelContext camel;

  RouteFiles(
      RoutesProperties properties, RouteFilesProperties files, RouteFileStore store, Clock clock) {
    this.properties = properties;
    this.files = files;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void beforeApplicationStart(CamelContext camelContext) {
    this.camel = camelContext;
    camelContext.setSourceLocationEnabled(true);
    if (fromDatabase()) {
      importFolderOnce();
      synchronized (this) {
        Map<String, Integer> latest = store.latestVersions();
        latest.forEach((name, version) -> loadAtStart(store.version(name, version).orElseThrow()));
      }
      if (loadedVersions.values().stream().allMatch(RouteFileVersion::deleted)) {
        throw new IllegalStateException(
            "No route files in the database: the gateway cannot route referrals");
      }
      return;
    }
    Map<String, String> initial = initialFiles();
    if (initial.isEmpty()) {
      throw new IllegalStateException(
          "No route files found in " + describeSource() + ": the gateway cannot route referrals");
    }
    initial.forEach(this::applyAtStart);
  }

  @Override
  public void afterApplicationStart(CamelContext camelContext) {
    if (fromDatabase()) {
      ScheduledExecutorService poller =
          camelContext
              .getExecutorServiceManager()
              .newSingleThreadScheduledExecutor(this, "gateway-route-files");
      long every = files.pollInterval().toMillis();
      poller.scheduleWithFixedDelay(this::pollStore, every, every, TimeUnit.MILLISECONDS);
      return;
    }
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

  /** Where this node's route files come from. */
  public RouteFilesProperties.Source source() {
    return files.source();
  }

  /**
   * Saves a new version of a route file in the database, after this node has loaded it: a file that
   * does not parse, breaks a rule or that Camel cannot build is refused (422, {@code file:line:
   * problem}) and nothing is saved. The other nodes load the version at their next poll.
   *
   * @param basedOn the version the change was made from (0: a new file); null: whatever is latest
   */
  public synchronized RouteFileVersion save(
      String fileName, String text, String changedBy, String note, Integer basedOn) {
    requireDatabase();
    checkName(fileName);
    if (text == null || text.isBlank()) {
      throw new UnprocessableEntityException(
          fileName + ": empty route file; to remove a file's routes, delete the file");
    }
    String previous = goodText.get(fileName);
    RouteFileStatus status = apply(fileName, text);
    if (!status.accepted()) {
      throw new UnprocessableEntityException(status.problem());
    }
    RouteFileVersion saved;
    try {
      saved = store.save(fileName, text, changedBy, note, basedOn);
    } catch (RuntimeException e) {
      // Not saved: this node goes back to what every other node still runs.
      if (previous == null) {
        remove(fileName);
      } else {
        apply(fileName, previous);
      }
      throw e;
    }
    loaded(saved);
    return saved;
  }

  /** Deletes a route file from the database: its routes stop on every node. */
  public synchronized RouteFileVersion delete(
      String fileName, String changedBy, String note, Integer basedOn) {
    requireDatabase();
    checkName(fileName);
    boolean othersRemain =
        loadedVersions.values().stream()
            .anyMatch(v -> !v.deleted() && !v.fileName().equals(fileName));
    if (!othersRemain) {
      throw new UnprocessableEntityException(
          fileName + " is the only route file: the gateway cannot route referrals without one");
    }
    RouteFileVersion deleted = store.save(fileName, null, changedBy, note, basedOn);
    remove(fileName);
    loaded(deleted);
    return deleted;
  }

  /** A file's versions in the database, newest first (empty if it was never stored). */
  public List<RouteFileVersion> history(String fileName) {
    requireDatabase();
    return store.history(fileName);
  }

  /** Loads the versions other nodes saved since the last poll. */
  synchronized void pollStore() {
    try {
      store
          .latestVersions()
          .forEach(
              (name, version) -> {
                RouteFileVersion current = loadedVersions.get(name);
                if (current == null || current.version() != version) {
                  loadStored(store.version(name, version).orElseThrow());
                }
              });
    } catch (RuntimeException e) {
      // The database is unreachable, or answered oddly: the routes stay as they are until the next
      // poll. By class only: a database message can quote a row.
      log.warn("Route files poll failed: {}", e.getClass().getSimpleName());
    }
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

  private void applyAtStart(String location, String text) {
    RouteFileStatus status = apply(location, text);
    if (!status.accepted()) {
      // At start there is nothing older to fall back on: refuse to run with partial routing.
      throw new IllegalStateException("Route file rejected: " + status.problem());
    }
  }

  private void loadAtStart(RouteFileVersion version) {
    if (!version.deleted()) {
      applyAtStart(version.fileName(), version.content());
    }
    loaded(version);
  }

  private void loadStored(RouteFileVersion version) {
    if (version.deleted()) {
      remove(version.fileName());
    } else {
      apply(version.fileName(), version.content());
    }
    loaded(version);
  }

  /** Notes the version this node now runs (or tried to: a refused one is not tried again). */
  private void loaded(RouteFileVersion version) {
    loadedVersions.put(version.fileName(), version);
    RouteFileStatus status = statusByFile.get(version.fileName());
    if (status != null) {
      statusByFile.put(version.fileName(), status.storedAs(version));
    }
  }

  /**
   * The first start on an empty table: the folder's files (or the packaged demo routes) become
   * version 1, by file name.
   */
  private void importFolderOnce() {
    Map<String, String> byName = new LinkedHashMap<>();
    initialFiles().forEach((location, text) -> byName.put(fileNameOf(location), text));
    if (byName.isEmpty()) {
      throw new IllegalStateException(
          "No route files found in " + describeSource() + " to import into the database");
    }
    store.importIfEmpty(byName, "gateway", "imported from " + describeSource());
  }

  private static String fileNameOf(String location) {
    return location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1);
  }

  private boolean fromDatabase() {
    return files.source() == RouteFilesProperties.Source.DATABASE;
  }

  private void requireDatabase() {
    if (!fromDatabase()) {
      throw new ResourceVersionConflictException(
          "Route files come from "
              + describeSource()
              + " on this gateway; set routes.files.source=database to change them here");
    }
  }

  private static void checkName(String fileName) {
    if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
      throw new InvalidRequestException(
          "A route file name is letters, digits, '.', '_' or '-', ending .yaml, at most 100"
              + " characters: "
              + (fileName == null ? "none given" : "'" + fileName + "'"));
    }
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
