package org.cypmh.gateway.consent;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.cypmh.routes.api.ConsentDecision;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * May a partner organisation (by ODS code) be sent this record about a young person, for their
 * care? Asked before the gateway pushes a record to an organisation outside routing (a subscription
 * notification); each decision acted on is recorded.
 */
@Component
public class OrganisationConsent {

  private final ConsentService consent;
  private final Recipients recipients;
  private final ConsentDecisionLog log;
  private final Clock clock;

  OrganisationConsent(
      ConsentService consent, Recipients recipients, ConsentDecisionLog log, Clock clock) {
    this.consent = consent;
    this.recipients = recipients;
    this.log = log;
    this.clock = clock;
  }

  /** False also when the organisation is not in the directory. */
  public boolean permits(String odsCode, Patient patient, Resource record, String context) {
    Optional<Recipient> recipient = recipients.byOdsCode(odsCode);
    if (recipient.isEmpty()) {
      return false;
    }
    String patientId = patient.getIdElement().toUnqualifiedVersionless().getValue();
    ConsentQuestion question =
        new ConsentQuestion(
            patient,
            patientId,
            recipient.get(),
            ConsentQuestion.TREATMENT,
            record.fhirType(),
            RoutingConsent.labels(record),
            Set.of(),
            clock.instant(),
            null);
    ConsentDecision decision = consent.decide(question);
    log.record(
        question,
        decision,
        context,
        record.getIdElement().toUnqualifiedVersionless().getValue(),
        null);
    return decision.permitted();
  }
}
