package org.cypmh.gateway.storage;

import org.hibernate.boot.model.relational.Namespace;
import org.hibernate.boot.model.relational.Sequence;
import org.hibernate.mapping.Table;
import org.hibernate.tool.schema.spi.SchemaFilter;
import org.hibernate.tool.schema.spi.SchemaFilterProvider;

/**
 * Hibernate validates the gateway's own {@code GW_*} tables (and their sequences) against their
 * Flyway scripts. HAPI's tables are left to HAPI's migration history: the schema HAPI's migrator
 * builds differs from its entity mappings in ways Hibernate's validate rejects (column types HAPI
 * chose per database), and HAPI's own tests do not validate it either.
 */
public final class GatewayTablesOnly implements SchemaFilterProvider {

  private static final SchemaFilter FILTER =
      new SchemaFilter() {
        @Override
        public boolean includeNamespace(Namespace namespace) {
          return true;
        }

        @Override
        public boolean includeTable(Table table) {
          return isGateways(table.getName());
        }

        @Override
        public boolean includeSequence(Sequence sequence) {
          return isGateways(sequence.getName().getSequenceName().getText());
        }
      };

  static boolean isGateways(String name) {
    return name.toUpperCase().startsWith("GW_");
  }

  @Override
  public SchemaFilter getCreateFilter() {
    return FILTER;
  }

  @Override
  public SchemaFilter getDropFilter() {
    return FILTER;
  }

  @Override
  public SchemaFilter getTruncatorFilter() {
    return FILTER;
  }

  @Override
  public SchemaFilter getMigrateFilter() {
    return FILTER;
  }

  @Override
  public SchemaFilter getValidateFilter() {
    return FILTER;
  }
}
