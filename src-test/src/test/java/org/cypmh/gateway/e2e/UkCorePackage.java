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
    Path folder = repositoryRoot().resolve("../shared/fhir-packages").normalize();
    if (!Files.isRegularFile(folder.resolve(FILE))) {
      throw new IllegalStateException(
          "UK Core package not found at "
              + folder.resolve(FILE)
              + ". Download it from the FHIR package registry into that folder: curl -L"
              + " https://packages.simplifier.net/fhir.r4.ukcore.stu2/2.0.0 -o "
              + folder.resolve(FILE));
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
