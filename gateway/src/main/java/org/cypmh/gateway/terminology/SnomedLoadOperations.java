package org.cypmh.gateway.terminology;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * The operator's SNOMED CT loading: {@code POST [base]/$snomed-load} with one or more {@code
 * source} names (release zips or folders in {@code gateway.terminology.import-dir}; the
 * International Edition and its extensions together) starts a background load and answers at once;
 * {@code GET [base]/$snomed-load-status[?load=<id>]} tells its phase and, when done, what was
 * loaded and how long it took. Operator only (not in the partners' operation list).
 */
@Component
class SnomedLoadOperations implements FhirOperations {

  private final SnomedReleaseLoader loader;
  private final Clock clock;

  SnomedLoadOperations(SnomedReleaseLoader loader, Clock clock) {
    this.loader = loader;
    this.clock = clock;
  }

  @Operation(name = "$snomed-load")
  public Parameters load(@OperationParam(name = "source", min = 1) List<StringType> sources) {
    return status(loader.start(sources.stream().map(StringType::getValue).toList()));
  }

  @Operation(name = "$snomed-load-status", idempotent = true)
  public Parameters status(@OperationParam(name = "load", max = 1) StringType id) {
    return loader
        .load(id == null ? null : id.getValue())
        .map(this::status)
        .orElseThrow(
            () ->
                new ResourceNotFoundException(
                    id == null ? "No SNOMED CT load has been started" : "No load " + id));
  }

  private Parameters status(SnomedLoad load) {
    Parameters result = new Parameters();
    result.addParameter("load", load.id);
    result.addParameter("phase", load.phase.name().toLowerCase());
    result.addParameter("message", load.message == null ? "" : load.message);
    load.sources.forEach(source -> result.addParameter("source", source));
    result.addParameter("started", new InstantType(Date.from(load.started)));
    if (load.finished != null) {
      result.addParameter("finished", new InstantType(Date.from(load.finished)));
    }
    result.addParameter(
        "seconds", new DecimalType(load.elapsed(clock.instant()).toMillis() / 1000.0));
    if (load.concepts > 0) {
      result.addParameter("concepts", new IntegerType(load.concepts));
      result.addParameter("activeConcepts", new IntegerType(load.activeConcepts));
      result.addParameter("descriptions", new IntegerType(load.descriptions));
      result.addParameter("relationships", new IntegerType(load.relationships));
    }
    if (load.storedByHapi > 0) {
      result.addParameter("storedByHapi", new IntegerType(load.storedByHapi));
    }
    return result;
  }
}
