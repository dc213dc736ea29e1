package org.cypmh.gateway.storage;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.dao.IFulltextSearchSvc;
import ca.uhn.fhir.jpa.dao.IJpaStorageResourceParser;
import ca.uhn.fhir.jpa.model.entity.EntityIndexStatusEnum;
import ca.uhn.fhir.jpa.model.entity.ResourceHistoryTable;
import ca.uhn.fhir.jpa.model.entity.ResourceTable;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry.SearchParamLookupContextEnum;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.hibernate.search.mapper.orm.Search;
import org.hibernate.search.mapper.orm.work.SearchWorkspace;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds the resources' documents ({@code ResourceTable}) of the text search index from the
 * database, with their {@code _content} and {@code _text} words.
 *
 * <p>Neither Hibernate Search's mass indexer nor HAPI's {@code $reindex} job can: HAPI fills the
 * text only in transient fields of the entity it is writing, which a mass indexer never sees; and
 * HAPI's reindex step ({@code BaseHapiFhirResourceDao.reindex}, HAPI 8.8) fills them but keeps the
 * version, on which the text fields' indexing depends ({@code @IndexingDependency(derivedFrom =
 * myVersion)}), so Hibernate Search writes a new document only for a resource whose reference links
 * the step happens to rewrite (tried: after HAPI's job, a Patient with a link was found by {@code
 * _content} again, one without was not). What HAPI's own full-text reindexer ({@code
 * ResourceReindexer}, of its deprecated reindexing service) does is taken here without its
 * re-extraction of search parameters (which would store every complete CodeSystem again): per page
 * of resources, the stored resource is parsed, its text extracted as HAPI's write path extracts it
 * ({@link ResourceText}) and the entity handed to HAPI's {@link IFulltextSearchSvc#reindex}.
 *
 * <p>Only what HAPI's write path put in the index is rebuilt: resources not deleted whose index
 * status is {@code INDEXED_ALL} (the others are routed out of the index by HAPI's {@code
 * ResourceTableRoutingBinder}), up to the newest one when the rebuild starts (later ones were
 * indexed by their own write). The gateway does not index search parameters in Hibernate Search
 * ({@code JpaStorageSettings.isHibernateSearchIndexSearchParams()} stays false), so text is all the
 * documents hold besides the type and links.
 */
@Component
class ResourceTextRebuild {

  /** The indexed entity name of resources, as {@code $search-reindex} takes it. */
  static final String ENTITY = "ResourceTable";

  /** Resources per transaction: each page's documents are written when it commits. */
  private static final int PAGE_SIZE = 250;

  private static final String SNAPSHOT =
      "select max(r.myPid.myId), count(r) from ResourceTable r"
          + " where r.myDeleted is null and r.myIndexStatus = :indexed";

  // The current version's stored resource with each entity, as HAPI's own prefetch reads them
  // (BaseHapiFhirSystemDao.prefetchResourceTableAndHistory), instead of one query per resource.
  private static final String PAGE =
      "select r, h from ResourceTable r"
          + " left join ResourceHistoryTable h"
          + " on r.myVersion = h.myResourceVersion and r = h.myResourceTable"
          + " where r.myDeleted is null and r.myIndexStatus = :indexed"
          + " and r.myPid.myId > :after and r.myPid.myId <= :last"
          + " order by r.myPid.myId";

  private final EntityManagerFactory entityManagerFactory;
  private final EntityManager entityManager;
  private final TransactionTemplate transactions;
  private final IJpaStorageResourceParser resourceParser;
  private final IFulltextSearchSvc fulltextSearch;
  private final ISearchParamRegistry searchParams;
  private final FhirContext fhirContext;

  ResourceTextRebuild(
      EntityManagerFactory entityManagerFactory,
      PlatformTransactionManager transactionManager,
      IJpaStorageResourceParser resourceParser,
      IFulltextSearchSvc fulltextSearch,
      ISearchParamRegistry searchParams,
      FhirContext fhirContext) {
    this.entityManagerFactory = entityManagerFactory;
    this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory);
    this.transactions = new TransactionTemplate(transactionManager);
    this.resourceParser = resourceParser;
    this.fulltextSearch = fulltextSearch;
    this.searchParams = searchParams;
    this.fhirContext = fhirContext;
  }

  /**
   * Empties the resources' part of the index, then writes every indexed resource's document again,
   * telling {@code run} the total first and then each page indexed. Returns when done; stops with a
   * {@link CancellationException} between pages when its thread is interrupted (shutdown).
   */
  void rebuild(SearchIndexRun run) {
    Object[] snapshot =
        transactions.execute(
            status ->
                entityManager
                    .createQuery(SNAPSHOT, Object[].class)
                    .setParameter("indexed", EntityIndexStatusEnum.INDEXED_ALL)
                    .getSingleResult());
    Long last = (Long) snapshot[0];
    run.addToTotal((Long) snapshot[1]);
    // Like the mass indexer: documents of resources no longer in the database go too.
    SearchWorkspace documents =
        Search.mapping(entityManagerFactory).scope(ResourceTable.class).workspace();
    documents.purge();
    documents.refresh();
    if (last == null) {
      return;
    }
    long after = Long.MIN_VALUE;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("Search index rebuild of resources stopped");
      }
      long from = after;
      List<ResourceTable> page = transactions.execute(status -> indexPage(from, last));
      if (page.isEmpty()) {
        return;
      }
      run.addIndexed(page.size());
      after = page.get(page.size() - 1).getId().getId();
    }
  }

  /** Hands the next page's entities, with their text, to the index; written at commit. */
  private List<ResourceTable> indexPage(long after, long last) {
    List<Object[]> rows =
        entityManager
            .createQuery(PAGE, Object[].class)
            .setParameter("indexed", EntityIndexStatusEnum.INDEXED_ALL)
            .setParameter("after", after)
            .setParameter("last", last)
            .setMaxResults(PAGE_SIZE)
            .getResultList();
    List<ResourceTable> entities =
        rows.stream().map(row -> withCurrentVersion(row[0], row[1])).toList();
    for (ResourceTable entity : entities) {
      IBaseResource resource = resourceParser.toResource(entity, false);
      String type = entity.getResourceType();
      // As HAPI's write path: each text only where its search parameter is active for the type.
      if (active(type, Constants.PARAM_CONTENT)) {
        entity.setContentText(ResourceText.content(fhirContext, resource));
      }
      if (active(type, Constants.PARAM_TEXT)) {
        entity.setNarrativeText(ResourceText.narrative(resource));
      }
      // The referenced resources' ids (for $everything with _content or _text) are transient
      // too: this JPA callback fills them before each write, and no write happens here.
      entity.preSave();
      fulltextSearch.reindex(entity);
    }
    return entities;
  }

  private static ResourceTable withCurrentVersion(Object entity, Object currentVersion) {
    ResourceTable resourceTable = (ResourceTable) entity;
    if (currentVersion != null) {
      resourceTable.setCurrentVersionEntity((ResourceHistoryTable) currentVersion);
    }
    return resourceTable;
  }

  private boolean active(String resourceType, String parameter) {
    return searchParams.hasActiveSearchParam(
        resourceType, parameter, SearchParamLookupContextEnum.INDEX);
  }
}
