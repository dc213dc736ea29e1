package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.Set;
import org.cypmh.gateway.consent.ConsentDecisionLog;
import org.cypmh.gateway.consent.ConsentQuestion;
import org.cypmh.gateway.consent.ConsentService;
import org.cypmh.gateway.consent.Recipient;
import org.cypmh.routes.api.ConsentDecision;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Whether a young person's records may go to national reporting (NHS England, ODS {@code X24},
 * sector {@code national-reporting}): the same question, recipient and decision log as the
 * brief-intervention extract, so a Consent refusing MHSDS withholds a young person everywhere.
 */
@Component
class NationalReportingConsent {

  private final DaoRegistry daoRegistry;
  private final ConsentService consent;
  private final ConsentDecisionLog decisions;
  private final Clock clock;

  NationalReportingConsent(
      DaoRegistry daoRegistry, ConsentService consent, ConsentDecisionLog decisions, Clock clock) {
    this.daoRegistry = daoRegistry;
    this.consent = consent;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** The young person, if consent permits reporting them; null if it does not (or is unknown). */
  Patient permitted(String patientId, String resourceType) {
    if (!(StoredResources.find(daoRegistry, patientId) instanceof Patient patient)) {
      return null;
    }
    ConsentQuestion question =
        new ConsentQuestion(
            patient,
            patientId,
            Recipient.NATIONAL_REPORTING,
            "HOPERAT",
            resourceType,
            Set.of(),
            Set.of(),
            clock.instant(),
            null);
    ConsentDecision decision = consent.decide(question);
    decisions.record(question, decision, "mhsds-table", patientId, null);
    return decision.permitted() ? patient : null;
  }
}
