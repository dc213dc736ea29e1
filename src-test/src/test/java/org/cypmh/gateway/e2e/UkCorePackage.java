package org.cypmh.gateway.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Points {@code gateway.validation.package-dir} at the shared UK Core package ({@code
 * ../shared/fhir-packages/} from the repository root; never copied into the repository). Missing,
 * the context fails to start with where to get it: a skipped test would hide that UK Core payloads
 * were never checked.
 */
class UkCorePackage implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  static final String FILE = "fhir.r4.ukcore.stu2-2.0.0.tgz";

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    TestPropertyValues.of("gateway.validation.package-dir=" + folder()).applyTo(context);
  }

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
      throw new IllegalStateException(
          "UK Core package not found at "
              + expected.resolve(FILE)
              + " (nor in a shared/fhir-packages folder above the repository, nor"
              + " CYPMH_FHIR_PACKAGES). Download it from the FHIR package registry: curl -L"
              + " https://packages.simplifier.net/fhir.r4.ukcore.stu2/2.0.0 -o "
              + expected.resolve(FILE));
    }
    return folder;
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
    throw new IllegalStateException(
        "Cannot find the repository root above " + Path.of("").toAbsolutePath());
  }
}
