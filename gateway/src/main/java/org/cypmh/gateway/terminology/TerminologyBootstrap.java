package org.cypmh.gateway.terminology;

import ca.uhn.fhir.jpa.entity.TermConcept;
import ca.uhn.fhir.jpa.term.api.ITermCodeSystemStorageSvc;
import ca.uhn.fhir.jpa.term.api.ITermReadSvc;
import ca.uhn.fhir.jpa.term.custom.CustomTerminologySet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.cypmh.gateway.storage.PackagedResources;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.MetadataResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Puts the terminology module's content into HAPI's JPA terminology at start, so {@code $lookup},
 * {@code $validate-code}, {@code $expand} (filtered through Hibernate Search) and {@code
 * $translate} serve it, and validation uses it.
 *
 * <p>Idempotent: a resource whose stored copy already equals the packaged one is left alone (no new
 * version, no re-indexing); SNOMED CT seed concepts are added only where missing. The gateway
 * reports ready only after this has run.
 */
@Component
@Order(1)
class TerminologyBootstrap implements ApplicationRunner {

  private static final Logger log = LoggerFactory.getLogger(TerminologyBootstrap.class);

  private final PackagedResources packagedResources;
  private final ITermReadSvc termReadSvc;
  private final ITermCodeSystemStorageSvc codeSystemStorage;
  private final TransactionTemplate transactions;
  private final TerminologyProperties properties;
  private final SnomedEdition edition;
  private final TerminologyContent content = TerminologyContent.load();

  TerminologyBootstrap(
      PackagedResources packagedResources,
      ITermReadSvc termReadSvc,
      ITermCodeSystemStorageSvc codeSystemStorage,
      PlatformTransactionManager transactionManager,
      TerminologyProperties properties,
      SnomedEdition edition) {
    this.packagedResources = packagedResources;
    this.termReadSvc = termReadSvc;
    this.codeSystemStorage = codeSystemStorage;
    this.transactions = new TransactionTemplate(transactionManager);
    this.properties = properties;
    this.edition = edition;
  }

  @Override
  public void run(ApplicationArguments args) {
    int changed = 0;
    for (MetadataResource resource : content.all()) {
      if (!TerminologyContent.SNOMED.equals(resource.getUrl())) {
        changed += packagedResources.storeIfChanged(resource) ? 1 : 0;
      }
    }
    // A loaded release answers for SNOMED CT; seed concepts would be added to it as roots.
    boolean seed = properties.seedSnomed() && !edition.hasKeptRelease();
    int conceptsAdded = seed ? seedSnomed(content.snomedFragment()) : 0;
    log.info(
        "terminology ready: {} packaged resources, {} stored or updated, {} SNOMED CT seed concepts added",
        content.all().size(),
        changed,
        conceptsAdded);
  }

  /**
   * SNOMED CT is a HAPI "not-present" CodeSystem whose concepts live in the terminology tables (as
   * a full RF2 load would put them), not in a CodeSystem resource: that is what lets {@code
   * $expand} filter them through Hibernate Search.
   */
  private int seedSnomed(CodeSystem fragment) {
    List<ConceptDefinitionComponent> missing =
        transactions.execute(status -> missing(fragment.getConcept()));
    if (missing.isEmpty()) {
      return 0;
    }
    CustomTerminologySet additions = new CustomTerminologySet();
    // Code and display only: HAPI's delta loader cannot attach properties or designations to
    // concepts of a delta set. Provenance stays in the packaged CodeSystem (terminology module).
    missing.forEach(concept -> additions.addRootConcept(concept.getCode(), concept.getDisplay()));
    transactions.executeWithoutResult(
        status -> codeSystemStorage.applyDeltaCodeSystemsAdd(TerminologyContent.SNOMED, additions));
    return missing.size();
  }

  private List<ConceptDefinitionComponent> missing(List<ConceptDefinitionComponent> concepts) {
    Map<String, TermConcept> stored =
        termReadSvc
            .findCodes(
                TerminologyContent.SNOMED,
                concepts.stream().map(ConceptDefinitionComponent::getCode).toList())
            .stream()
            .collect(Collectors.toMap(TermConcept::getCode, Function.identity(), (a, b) -> a));
    // Only missing concepts: a concept already stored (e.g. from a loaded SNOMED CT release, whose
    // preferred term may differ from the seed's) is never overwritten by the seed.
    return concepts.stream().filter(c -> !stored.containsKey(c.getCode())).toList();
  }
}
