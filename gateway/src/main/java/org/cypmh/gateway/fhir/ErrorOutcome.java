package org.cypmh.gateway.fhir;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The one way the gateway words a refusal or failure: an OperationOutcome with one error issue, its
 * FHIR issue type, a diagnostics text a partner's engineer can act on, and where known the element
 * it is about and a coded detail (e.g. a BaRS error code).
 */
public final class ErrorOutcome {

  private ErrorOutcome() {}

  public static OperationOutcome of(IssueType type, String diagnostics) {
    return of(type, diagnostics, null, null);
  }

  public static OperationOutcome of(IssueType type, String diagnostics, String expression) {
    return of(type, diagnostics, expression, null);
  }

  /**
   * @param expression the FHIRPath of the element the issue is about, or null
   * @param detail a coded detail of the issue, or null
   */
  public static OperationOutcome of(
      IssueType type, String diagnostics, String expression, Coding detail) {
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue =
        outcome
            .addIssue()
            .setSeverity(IssueSeverity.ERROR)
            .setCode(type)
            .setDiagnostics(diagnostics);
    if (detail != null) {
      issue.setDetails(new CodeableConcept().addCoding(detail));
    }
    if (expression != null) {
      issue.addExpression(expression);
    }
    return outcome;
  }
}
