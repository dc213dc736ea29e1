package org.cypmh.routes.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.cypmh.routes.delivery.DeliverySender.Acceptance;
import org.springframework.stereotype.Component;

/**
 * Partners' acceptances this node could not record because the database was unreachable. They
 * cannot wait in the database, so they wait here and are recorded before this node claims any more
 * work; such a delivery is never sent again by this node (a second copy, even under the same
 * idempotency key, is what recording late avoids). If the node dies first, the delivery's lease
 * runs out and another node resends it under the same idempotency key.
 */
@Component
class UnrecordedAcceptances {

  private final Map<Long, Acceptance> kept = new ConcurrentHashMap<>();

  void keep(Long deliveryId, Acceptance acceptance) {
    kept.put(deliveryId, acceptance);
  }

  boolean holds(Long deliveryId) {
    return kept.containsKey(deliveryId);
  }

  /** Records each kept acceptance; stops at the first failure (the database is still away). */
  void recordAll(BiConsumer<Long, Acceptance> record) {
    for (Map.Entry<Long, Acceptance> entry : kept.entrySet()) {
      record.accept(entry.getKey(), entry.getValue());
      kept.remove(entry.getKey());
    }
  }
}
