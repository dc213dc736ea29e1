package org.cypmh.gateway.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway treats the database schema at start.
 *
 * @param migrateOnStart migrate HAPI's and the gateway's tables before anything uses them (the
 *     embedded default does); otherwise only check the schema is the one this release knows and
 *     refuse to start if not (the {@code postgres} profile, where an operator decides when).
 */
@ConfigurationProperties("gateway.schema")
public record SchemaProperties(boolean migrateOnStart) {}
