package org.cypmh.gateway.e2e;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Benchmark, not part of the build: {@link SnomedLoadBenchmarkBase} on the PostgreSQL server the
 * tests use, in a database created empty for the run ({@link PostgresGateway}).
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -o test -pl src-test -am -Dtest=SnomedLoadOnPostgresBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dsurefire.heap=6g
 * </pre>
 */
@PostgresGateway
@TestPropertySource(properties = "gateway.terminology.seed-snomed=false")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SnomedLoadOnPostgresBenchmark extends SnomedLoadBenchmarkBase {

  @Override
  String database() {
    return "PostgreSQL";
  }
}
