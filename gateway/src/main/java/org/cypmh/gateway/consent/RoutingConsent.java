package org.cypmh.gateway.consent;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.cypmh.routes.api.ConsentCheck;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.SharedRecord;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * The consent service behind the routes' consent and deliver blocks: a referral (or records the
 * gateway shares, such as brief interventions) to a directory service, for treatment, judged today
 * (a held delivery is judged again on the day it could go).
 */
@Component
class RoutingConsent implements ConsentCheck {

  private final ConsentService consent;
  private final Recipients recipients;
  private final ConsentDecisionLog log;
  private final Clock clock;

  RoutingConsent(
      ConsentService consent, Recipients recipients, ConsentDecisionLog log, Clock clock) {
    this.consent = consent;
    this.recipients = recipients;
    this.log = log;
    this.clock = clock;
  }

  @Override
  public ConsentDecision decide(RoutableReferral referral, DirectoryService destination) {
    return consent.decide(question(referral, destination));
  }

  @Override
  public void record(
      RoutableReferral referral,
      DirectoryService destination,
      ConsentDecision decision,
      String context) {
    String subject =
        referral.received().getIdElement().hasIdPart()
            ? referral.received().getIdElement().toUnqualified().getValue()
            : null;
    log.record(question(referral, destination), decision, context, subject, null);
  }

  @Override
  public ConsentDecision decide(SharedRecord record, DirectoryService destination) {
    return consent.decide(question(record, destination));
  }

  @Override
  public void record(
      SharedRecord record, DirectoryService destination, ConsentDecision decision, String context) {
    String subject =
        record.resources().isEmpty()
            ? null
            : record.resources().get(0).getIdElement().toUnqualifiedVersionless().getValue();
    log.record(question(record, destination), decision, context, subject, null);
  }

  /** Each shared record can travel without the others: their labels are all separable. */
  private ConsentQuestion question(SharedRecord record, DirectoryService destination) {
    return new ConsentQuestion(
        record.patient(),
        record.patientId(),
        recipients.of(destination),
        ConsentQuestion.TREATMENT,
        record.resourceType(),
        Set.of(),
        record.labels(),
        clock.instant(),
        null);
  }

  private ConsentQuestion question(RoutableReferral referral, DirectoryService destination) {
    // A previewed referral's Patient is not stored yet: it is then found by NHS number.
    String patientId =
        referral.patient() != null
                && "Patient".equals(referral.patient().getIdElement().getResourceType())
                && referral.patient().getIdElement().hasIdPart()
            ? referral.patient().getIdElement().toUnqualifiedVersionless().getValue()
            : null;
    return new ConsentQuestion(
        referral.patient(),
        patientId,
        recipients.of(destination),
        ConsentQuestion.TREATMENT,
        "ServiceRequest",
        labels(referral.received()),
        supportingLabels(referral),
        clock.instant(),
        referral.breakGlassReason());
  }

  private static Set<String> supportingLabels(RoutableReferral referral) {
    Set<String> labels = new LinkedHashSet<>();
    referral.supportingInfo().forEach(r -> labels.addAll(labels(r)));
    return labels;
  }

  static Set<String> labels(Resource resource) {
    Set<String> labels = new LinkedHashSet<>();
    resource.getMeta().getSecurity().stream().map(Coding::getCode).forEach(labels::add);
    return labels;
  }
}
