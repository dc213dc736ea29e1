package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cypmh.gateway.GatewayApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark, not part of the build (the name does not end in Test): {@link SnomedLoadBenchmarkBase}
 * on the embedded H2 database, in a fresh data folder.
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -o test -pl src-test -am -Dtest=SnomedLoadBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.heap=6g
 * </pre>
 */
@SpringBootTest(
    classes = GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(
    properties = {
      "gateway.terminology.seed-snomed=false",
      "gateway.security.mode=trusted-header",
      "gateway.security.mtls.enabled=false"
    })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SnomedLoadBenchmark extends SnomedLoadBenchmarkBase {

  @DynamicPropertySource
  static void dataDir(DynamicPropertyRegistry registry) throws IOException {
    Path parent = Files.createDirectories(Path.of("target", "e2e-data").toAbsolutePath());
    Path dataDir = Files.createTempDirectory(parent, "snomed-bench-");
    registry.add("gateway.storage.data-dir", dataDir::toString);
  }

  @Override
  String database() {
    return "H2";
  }
}
