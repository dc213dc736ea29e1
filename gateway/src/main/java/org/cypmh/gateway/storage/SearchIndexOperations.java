package org.cypmh.gateway.storage;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Date;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * The operator's text search index rebuild: {@code POST [base]/$search-reindex[?type=<entity>]}
 * starts one on this node and answers at once; {@code GET [base]/$search-reindex-status} tells the
 * latest run's state, entities indexed of the total, start and end, and failure. Types are indexed
 * entity names: {@code ResourceTable} (resources, with the text {@code _content} and {@code _text}
 * search), {@code TermConcept} (terminology concepts); without a type, all. An unknown type is a
 * 400, a second run while one runs a 409. Operator only (not in the partners' operation list,
 * {@code ScopeAuthorization}). Not HAPI's {@code $reindex}, which re-extracts search parameters
 * into the database and does not write resources' text to this index.
 */
@Component
class SearchIndexOperations implements FhirOperations {

  private final SearchIndexRebuild rebuild;

  SearchIndexOperations(SearchIndexRebuild rebuild) {
    this.rebuild = rebuild;
  }

  @Operation(name = "$search-reindex")
  public Parameters start(@OperationParam(name = "type", max = 1) StringType type) {
    return status(rebuild.start(type == null ? null : type.getValue()));
  }

  @Operation(name = "$search-reindex-status", idempotent = true)
  public Parameters status() {
    return rebuild
        .latest()
        .map(this::status)
        .orElseThrow(
            () -> new ResourceNotFoundException("No search index rebuild has run on this node"));
  }

  private Parameters status(SearchIndexRun run) {
    Parameters result = new Parameters();
    result.addParameter("types", run.types());
    result.addParameter("state", run.state().name().toLowerCase());
    result.addParameter("indexed", new DecimalType(run.indexed()));
    result.addParameter("total", new DecimalType(run.total()));
    result.addParameter("started", new InstantType(Date.from(run.started())));
    if (run.finished() != null) {
      result.addParameter("finished", new InstantType(Date.from(run.finished())));
    }
    if (run.failure() != null) {
      result.addParameter("failure", run.failure());
    }
    rebuild.types().forEach(type -> result.addParameter("indexedType", type));
    return result;
  }
}
