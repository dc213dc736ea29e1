package org.cypmh.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@link ModuleBoundariesTest} cannot see: the compiler copies a constant's value into the
 * class that uses it, so a gateway class reading a {@code static final String} of a routes internal
 * leaves no trace in the bytecode. The imports in the sources do.
 */
class SourceImportsTest {

  private static final Pattern ROUTES_INTERNAL =
      Pattern.compile(
          "^import (static )?org\\.cypmh\\.routes\\.(outbox|routing|delivery|directory|operations)\\..*");

  @Test
  void gatewaySourcesImportNoRoutesInternals() throws IOException {
    assertThat(importsMatching(Path.of("../gateway/src/main/java"), ROUTES_INTERNAL)).isEmpty();
  }

  @Test
  void theCheckSeesAnInternalImport() {
    assertThat(ROUTES_INTERNAL.matcher("import org.cypmh.routes.delivery.Deliveries;").matches())
        .isTrue();
    assertThat(ROUTES_INTERNAL.matcher("import org.cypmh.routes.api.Outbox;").matches()).isFalse();
  }

  private static List<String> importsMatching(Path root, Pattern pattern) throws IOException {
    assertThat(root).isDirectory();
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (pattern.matcher(line).matches()) {
            found.add(root.relativize(file) + ": " + line);
          }
        }
      }
    }
    return found;
  }
}
