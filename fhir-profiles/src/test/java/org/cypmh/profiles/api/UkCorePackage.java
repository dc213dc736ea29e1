package org.cypmh.profiles.api;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The UK Core package the tests validate against: the shared copy beside the repository ({@code
 * ../shared/fhir-packages/} from the repository root), never a copy inside it. Missing, it fails
 * the test with where to get it rather than skipping: a skipped test would hide that UK Core
 * payloads were never checked.
 */
final class UkCorePackage {

  static final String FILE = "fhir.r4.ukcore.stu2-2.0.0.tgz";

  private UkCorePackage() {}

  /** The folder holding the package (loaded whole by {@link NpmPackageFolder#load}). */
  static Path folder() {
    // CYPMH_FHIR_PACKAGES names the folder outright; otherwise the shared folder beside the
    // repository, or beside any folder above it (a CI checkout may sit deeper than a workspace).
    String configured = System.getenv("CYPMH_FHIR_PACKAGES");
    Path expected = repositoryRoot().resolve("../shared/fhir-packages").normalize();
    Path folder = configured != null ? Path.of(configured) : expected;
    for (Path dir = repositoryRoot().getParent();
        configured == null && dir != null && !Files.isRegularFile(folder.resolve(FILE));
        dir = dir.getParent()) {
      folder = dir.resolve("shared/fhir-packages");
    }
    if (!Files.isRegularFile(folder.resolve(FILE))) {
      throw new AssertionError(
          "UK Core package not found at "
              + expected.resolve(FILE)
              + " (nor in a shared/fhir-packages folder above the repository, nor"
              + " CYPMH_FHIR_PACKAGES). Download it from the FHIR package registry: curl -L"
              + " https://packages.simplifier.net/fhir.r4.ukcore.stu2/2.0.0 -o "
              + expected.resolve(FILE));
    }
    return folder;
  }

  /** A file of the repository, e.g. a shared test fixture under {@code src-test}. */
  static Path inRepository(String relative) {
    return repositoryRoot().resolve(relative);
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("fhir-profiles"))
          && Files.isDirectory(dir.resolve("src-test"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new AssertionError(
        "Cannot find the repository root above " + Path.of("").toAbsolutePath());
  }
}
