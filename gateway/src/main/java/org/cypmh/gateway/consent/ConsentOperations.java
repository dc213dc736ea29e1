package org.cypmh.gateway.consent;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import org.cypmh.gateway.fhir.FhirOperations;
import org.cypmh.routes.api.DeliveredReferral;
import org.cypmh.routes.api.DeliveryRecords;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Consent review for operators: what was decided about a young person ({@code
 * Patient/{id}/$consent-decisions}), who already received their data ({@code
 * Patient/{id}/$shared-with}, the list to contact after a withdrawal), every break-glass request
 * ({@code $break-glass-review}), and break-glass reads awaiting a reviewer's sign-off ({@code
 * $break-glass-reviews}, {@code $break-glass-sign-off}). Operator-only (not in any partner scope).
 */
@Component
public class ConsentOperations implements FhirOperations {

  private static final int MAX = 500;

  private final ConsentDecisionLog log;
  private final DeliveryRecords deliveries;
  private final BreakGlassUses breakGlassUses;

  ConsentOperations(
      ConsentDecisionLog log, DeliveryRecords deliveries, BreakGlassUses breakGlassUses) {
    this.log = log;
    this.deliveries = deliveries;
    this.breakGlassUses = breakGlassUses;
  }

  /** Break-glass reads not yet signed off, oldest first. */
  @Operation(name = "$break-glass-reviews", idempotent = true)
  public Parameters breakGlassReviews(@OperationParam(name = "_count", max = 1) IntegerType count) {
    int max = count == null ? MAX : Math.min(MAX, Math.max(1, count.getValue()));
    Parameters result = new Parameters();
    breakGlassUses.awaitingSignOff(max).forEach(u -> result.addParameter(use(u)));
    return result;
  }

  /** A named reviewer signs off one break-glass read: it leaves the queue; audited. */
  @Operation(name = "$break-glass-sign-off")
  public Parameters breakGlassSignOff(
      @OperationParam(name = "use", min = 1, max = 1) StringType use,
      @OperationParam(name = "reviewer", min = 1, max = 1) StringType reviewer,
      @OperationParam(name = "note", max = 1) StringType note) {
    if (use == null || use.isEmpty() || !use.getValue().trim().matches("\\d{1,18}")) {
      throw new InvalidRequestException("'use' must be the id of a break-glass use");
    }
    if (reviewer == null || reviewer.isEmpty() || reviewer.getValue().isBlank()) {
      throw new InvalidRequestException("'reviewer' must name the person signing the use off");
    }
    BreakGlassUse signed =
        breakGlassUses.signOff(
            Long.parseLong(use.getValue().trim()),
            reviewer.getValue().trim(),
            note == null ? null : note.getValue());
    Parameters result = new Parameters();
    result.addParameter(use(signed));
    return result;
  }

  @Operation(name = "$consent-decisions", type = Patient.class, idempotent = true)
  public Parameters consentDecisions(@IdParam IdType patient) {
    Parameters result = new Parameters();
    log.aboutPatient(patient.toUnqualifiedVersionless().getValue(), MAX)
        .forEach(d -> result.addParameter(decision(d)));
    return result;
  }

  @Operation(name = "$break-glass-review", idempotent = true)
  public Parameters breakGlassReview(@OperationParam(name = "_count", max = 1) IntegerType count) {
    int max = count == null ? MAX : Math.min(MAX, Math.max(1, count.getValue()));
    Parameters result = new Parameters();
    log.breakGlassRequests(max).forEach(d -> result.addParameter(decision(d)));
    return result;
  }

  @Operation(name = "$shared-with", type = Patient.class, idempotent = true)
  public Parameters sharedWith(@IdParam IdType patient) {
    Parameters result = new Parameters();
    List<DeliveredReferral> delivered =
        deliveries.deliveredTo(patient.toUnqualifiedVersionless().getValue());
    for (DeliveredReferral delivery : delivered) {
      ParametersParameterComponent recipient = result.addParameter().setName("recipient");
      recipient.addPart().setName("service").setValue(new Reference(delivery.service()));
      recipient.addPart().setName("serviceId").setValue(new StringType(delivery.serviceId()));
      recipient.addPart().setName("referral").setValue(new Reference(delivery.focus()));
      recipient
          .addPart()
          .setName("deliveredAt")
          .setValue(new DateTimeType(java.util.Date.from(delivery.deliveredAt())));
      if (delivery.consent() != null) {
        recipient
            .addPart()
            .setName("consentAtTheTime")
            .setValue(new StringType(delivery.consent()));
      }
      recipient.addPart().setName("leftOut").setValue(new IntegerType(delivery.redacted()));
    }
    return result;
  }

  private static ParametersParameterComponent use(BreakGlassUse u) {
    ParametersParameterComponent use = new ParametersParameterComponent().setName("use");
    use.addPart().setName("id").setValue(new StringType(String.valueOf(u.id())));
    use.addPart().setName("usedAt").setValue(new DateTimeType(java.util.Date.from(u.usedAt())));
    use.addPart()
        .setName("expiresAt")
        .setValue(new DateTimeType(java.util.Date.from(u.expiresAt())));
    use.addPart().setName("partner").setValue(new StringType(u.partnerName()));
    use.addPart().setName("odsCode").setValue(new StringType(u.partnerOds()));
    use.addPart().setName("patient").setValue(new Reference(u.patient()));
    use.addPart().setName("reason").setValue(new CodeType(u.reason()));
    if (u.justification() != null) {
      use.addPart().setName("justification").setValue(new StringType(u.justification()));
    }
    if (u.requestId() != null) {
      use.addPart().setName("requestId").setValue(new StringType(u.requestId()));
    }
    if (u.reviewedAt() != null) {
      use.addPart()
          .setName("reviewedAt")
          .setValue(new DateTimeType(java.util.Date.from(u.reviewedAt())));
      use.addPart().setName("reviewer").setValue(new StringType(u.reviewer()));
      if (u.reviewNote() != null) {
        use.addPart().setName("note").setValue(new StringType(u.reviewNote()));
      }
    }
    return use;
  }

  private static ParametersParameterComponent decision(RecordedConsentDecision d) {
    ParametersParameterComponent decision = new ParametersParameterComponent().setName("decision");
    decision
        .addPart()
        .setName("decidedAt")
        .setValue(new DateTimeType(java.util.Date.from(d.decidedAt())));
    decision.addPart().setName("context").setValue(new CodeType(d.context()));
    if (d.patient() != null) {
      decision.addPart().setName("patient").setValue(new Reference(d.patient()));
    }
    if (d.subject() != null) {
      decision.addPart().setName("subject").setValue(new StringType(d.subject()));
    }
    decision.addPart().setName("recipient").setValue(new StringType(d.recipientName()));
    if (d.recipientService() != null) {
      decision.addPart().setName("serviceId").setValue(new StringType(d.recipientService()));
    }
    decision.addPart().setName("outcome").setValue(new CodeType(d.outcome()));
    decision.addPart().setName("rule").setValue(new CodeType(d.rule()));
    for (String consent :
        d.consents() == null || d.consents().isEmpty() ? new String[0] : d.consents().split(",")) {
      decision.addPart().setName("consent").setValue(new Reference(consent));
    }
    decision.addPart().setName("reason").setValue(new StringType(d.reason()));
    if (d.breakGlassAsked() != null) {
      decision.addPart().setName("breakGlassAsked").setValue(new CodeType(d.breakGlassAsked()));
      decision.addPart().setName("breakGlassUsed").setValue(new BooleanType(d.breakGlassUsed()));
    }
    return decision;
  }
}
