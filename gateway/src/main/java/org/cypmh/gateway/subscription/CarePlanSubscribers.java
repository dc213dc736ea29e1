package org.cypmh.gateway.subscription;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Optional;
import org.cypmh.gateway.consent.OrganisationConsent;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.stereotype.Component;

/**
 * Subscriptions to care plans are a GP practice's, for its own registered patients: a subscription
 * (stamped with the practice that made it, {@link SubscriberOrganisation}) is notified only of
 * plans of young people registered with that practice whose consent lets the practice have them.
 */
@Component
class CarePlanSubscribers {

  private final DaoRegistry daoRegistry;
  private final OrganisationConsent consent;

  CarePlanSubscribers(DaoRegistry daoRegistry, OrganisationConsent consent) {
    this.daoRegistry = daoRegistry;
    this.consent = consent;
  }

  /** May this subscription be told of this plan: its practice's patient, consent permitting. */
  boolean mayNotify(Subscription subscription, CarePlan plan) {
    Optional<String> subscriber = SubscriberOrganisation.of(subscription);
    if (subscriber.isEmpty()) {
      return false;
    }
    IdType subject = new IdType(plan.getSubject().getReference());
    if (!"Patient".equals(subject.getResourceType())) {
      return false;
    }
    Patient patient =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(subject.toUnqualifiedVersionless(), new SystemRequestDetails());
    // Consent decides registration too: a practice reads only its registered patients.
    return consent.permits(subscriber.get(), patient, plan, "subscription-notification");
  }
}
