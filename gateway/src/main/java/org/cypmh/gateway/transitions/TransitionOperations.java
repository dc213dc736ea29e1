package org.cypmh.gateway.transitions;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Component;

/** {@code POST $transition-watch}: runs the transition watch now, for operators. */
@Component
public class TransitionOperations implements FhirOperations {

  private final TransitionWatchLease transitionWatch;

  TransitionOperations(TransitionWatchLease transitionWatch) {
    this.transitionWatch = transitionWatch;
  }

  /**
   * Runs the transition watch now (it also runs on its schedule): how many young people are due or
   * overdue, and how many Tasks this run created or flagged. 409 if a run is under way on any node
   * (the watch never runs twice at once).
   */
  @Operation(name = "$transition-watch", idempotent = false)
  public Parameters transitionWatch() {
    TransitionWatch.Outcome outcome =
        transitionWatch
            .runNow()
            .orElseThrow(
                () ->
                    new ResourceVersionConflictException(
                        transitionWatch.runningElsewhere(),
                        ErrorOutcome.of(IssueType.CONFLICT, transitionWatch.runningElsewhere())));
    Parameters result = new Parameters();
    result.addParameter("due", new IntegerType(outcome.due()));
    result.addParameter("overdue", new IntegerType(outcome.overdue()));
    result.addParameter("created", new IntegerType(outcome.created()));
    result.addParameter("flaggedOverdue", new IntegerType(outcome.flaggedOverdue()));
    return result;
  }
}
