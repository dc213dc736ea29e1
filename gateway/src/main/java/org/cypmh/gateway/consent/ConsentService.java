package org.cypmh.gateway.consent;

import org.cypmh.routes.api.ConsentDecision;
import org.springframework.stereotype.Component;

/**
 * The consent decision service: one answer for routing (may this referral go to that service?) and
 * for reads (may this partner see this resource?), from the young person's stored Consents and the
 * configured policy ({@link ConsentRules}).
 */
@Component
public class ConsentService {

  private final PatientConsents consents;
  private final ConsentRules rules;

  ConsentService(PatientConsents consents, ConsentProperties policy) {
    this.consents = consents;
    this.rules = new ConsentRules(policy);
  }

  public ConsentDecision decide(ConsentQuestion question) {
    return rules.decide(question, consents.of(question.patientId(), question.patient()));
  }
}
