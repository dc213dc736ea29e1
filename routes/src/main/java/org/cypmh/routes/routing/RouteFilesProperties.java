package org.cypmh.routes.routing;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the route files come from ({@code routes.files.*}).
 *
 * @param source {@code folder} (the default): {@code routes.folder}, or the packaged demo routes,
 *     watched on this node; {@code database}: the versions kept in the database, changed through
 *     {@code $route-file-upload} or the console, so every node runs the same routes (at the first
 *     start on an empty table, the folder's files, or the demo routes, become version 1)
 * @param pollInterval with the database as source, how often a node looks for versions another node
 *     saved (default 5 s)
 */
@Validated
@ConfigurationProperties("routes.files")
public record RouteFilesProperties(
    @NotNull @DefaultValue("folder") Source source,
    @NotNull @DefaultValue("5s") Duration pollInterval) {

  /** Where a node reads its route files. */
  public enum Source {
    FOLDER,
    DATABASE
  }
}
