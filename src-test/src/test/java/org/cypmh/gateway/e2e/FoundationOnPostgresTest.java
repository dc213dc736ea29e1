package org.cypmh.gateway.e2e;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The production storage: the real PostgreSQL server, on a database created empty for this run so
 * the gateway has to create its schema itself.
 */
@SpringBootTest(
    classes = org.cypmh.gateway.GatewayApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("postgres")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class FoundationOnPostgresTest extends FoundationBehaviour {

  private static final EmptyPostgresDatabase database = EmptyPostgresDatabase.create();

  @DynamicPropertySource
  static void storage(DynamicPropertyRegistry registry) {
    registry.add("GATEWAY_DB_URL", database::jdbcUrl);
    registry.add("GATEWAY_DB_USER", database::user);
    registry.add("GATEWAY_DB_PASSWORD", () -> "");
    registry.add("gateway.storage.data-dir", () -> "./target/e2e-data/" + database.name());
  }
}
