package org.cypmh.gateway.subscription;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.stereotype.Component;

/**
 * The requested and active rest-hook Subscriptions, for every Task and care plan change to be
 * matched against. Searching them for each change cost about a twentieth of the CPU of a referral
 * (its tracking Task changes three times; issue 25), for resources that change a few times a day.
 *
 * <p>They are searched again only when the stored Subscriptions have changed, on this node or any
 * other: a fingerprint of them (how many there are, and the sum of their version numbers, which
 * every create, update and delete changes) is read first, in the caller's transaction, so a
 * subscription stored a moment ago, or in the same transaction, is never missed. The subscriptions
 * returned are shared: callers only read them.
 *
 * <p>Reading the fingerprint does not flush the transaction's unwritten changes first: that flush
 * checked every entity the transaction had loaded, and was most of the fingerprint's cost (issue
 * 25). A Subscription stored in the same transaction is in the database by then all the same: HAPI
 * writes each created resource before it calls the Task hooks of a single write, and a FHIR
 * transaction Bundle calls them only after writing all its entries (RoutingBehaviour checks the
 * first).
 */
@Component
class LiveSubscriptions {

  private final DaoRegistry daoRegistry;

  @PersistenceContext private EntityManager entityManager;

  private volatile Snapshot held = new Snapshot(null, List.of());

  LiveSubscriptions(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  List<Subscription> restHooks() {
    // Read before the search: if a subscription changes in between, the snapshot is merely
    // searched again next time, never kept under a fingerprint newer than its content.
    Fingerprint now = fingerprint();
    Snapshot snapshot = held;
    if (now.equals(snapshot.fingerprint())) {
      return snapshot.subscriptions();
    }
    List<Subscription> live = search();
    held = new Snapshot(now, live);
    return live;
  }

  private Fingerprint fingerprint() {
    Object[] row =
        entityManager
            .createQuery(
                "select count(r), coalesce(sum(r.myVersion), 0) from ResourceTable r"
                    + " where r.myResourceType = 'Subscription'",
                Object[].class)
            .setFlushMode(FlushModeType.COMMIT)
            .getSingleResult();
    return new Fingerprint(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
  }

  private List<Subscription> search() {
    SearchParameterMap live = SearchParameterMap.newSynchronous();
    live.add(
        Subscription.SP_STATUS,
        new TokenAndListParam()
            .addAnd(
                new TokenOrListParam()
                    .addOr(new TokenParam("requested"))
                    .addOr(new TokenParam("active"))));
    live.add(Subscription.SP_TYPE, new TokenParam("rest-hook"));
    return daoRegistry
        .getResourceDao(Subscription.class)
        .search(live, new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(Subscription.class::cast)
        .toList();
  }

  private record Fingerprint(long count, long versionSum) {}

  private record Snapshot(Fingerprint fingerprint, List<Subscription> subscriptions) {}
}
