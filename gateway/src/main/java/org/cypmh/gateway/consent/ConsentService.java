package org.cypmh.gateway.consent;

import java.util.Set;
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
  private final GpRegistrations registrations;
  private final ConsentRules rules;

  ConsentService(
      PatientConsents consents, GpRegistrations registrations, ConsentProperties policy) {
    this.consents = consents;
    this.registrations = registrations;
    this.rules = new ConsentRules(policy);
  }

  public ConsentDecision decide(ConsentQuestion question) {
    Set<String> practices =
        ConsentRules.isGpPractice(question.recipient())
            ? registrations.practicesOf(question.patient())
            : Set.of();
    return rules.decide(question, consents.of(question.patientId(), question.patient()), practices);
  }

  /**
   * Why this recipient may not break glass for this reason, or null if it may ({@link
   * ConsentRules#breakGlassRefusal(Recipient, String)}).
   */
  public String breakGlassRefusal(Recipient recipient, String reason) {
    return rules.breakGlassRefusal(recipient, reason);
  }

  /** Whether the recipient provides a service that break-glass may reach. */
  public boolean mayBreakGlass(Recipient recipient) {
    return rules.mayBreakGlass(recipient);
  }
}
