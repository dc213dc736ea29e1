package org.cypmh.routes;

import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;

/**
 * How a node takes work from a shared table (outbox events, deliveries): it selects due rows with
 * {@code FOR UPDATE SKIP LOCKED} (PostgreSQL and H2 2.3 both have it), so nodes never wait on or
 * take each other's rows, and pushes their due time forward by its lease, so a node that dies
 * releases its work by simply not finishing it.
 *
 * @param table the table, e.g. {@code GW_DELIVERY}
 * @param dueRows SQL condition of rows that may be taken, using {@code :now}
 * @param order SQL order in which due rows are taken
 * @param entity the JPA entity of the table
 * @param dueField the entity field holding the due time
 */
public record LeasedClaim(
    String table, String dueRows, String order, String entity, String dueField) {

  /** Claims up to {@code max} due rows until {@code leaseUntil}; call inside a transaction. */
  public List<Long> claim(EntityManager entityManager, int max, Instant now, Instant leaseUntil) {
    return claim(entityManager, max, now, leaseUntil, null, null);
  }

  /**
   * Claims as {@link #claim(EntityManager, int, Instant, Instant)} does, and names the claiming
   * node in the entity's field {@code holderField}, so the node can later tell (and hand back) what
   * it holds.
   */
  public List<Long> claim(
      EntityManager entityManager,
      int max,
      Instant now,
      Instant leaseUntil,
      String holderField,
      String holder) {
    @SuppressWarnings("unchecked")
    List<Number> ids =
        entityManager
            .createNativeQuery(
                "select ID from "
                    + table
                    + " where "
                    + dueRows
                    + " order by "
                    + order
                    + " fetch first "
                    + max
                    + " rows only for update skip locked")
            .setParameter("now", now)
            .getResultList();
    if (ids.isEmpty()) {
      return List.of();
    }
    List<Long> claimed = ids.stream().map(Number::longValue).toList();
    String held = holderField == null ? "" : ", e." + holderField + " = :holder";
    var update =
        entityManager
            .createQuery(
                "update "
                    + entity
                    + " e set e."
                    + dueField
                    + " = :lease"
                    + held
                    + " where e.id in :ids")
            .setParameter("lease", leaseUntil)
            .setParameter("ids", claimed);
    if (holderField != null) {
      update.setParameter("holder", holder);
    }
    update.executeUpdate();
    return claimed;
  }
}
