package org.cypmh.gateway.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.gateway.fhir.OrganisationReferences;
import org.cypmh.gateway.fhir.TaskParties;
import org.cypmh.gateway.subscription.SubscriberOrganisation;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Records only their organisations see: a partner sees only Tasks its organisation requested or
 * receives ({@link TaskParties}: requester, owner or a service the referral was delivered to,
 * naming its ODS code directly, through its Organization, a HealthcareService or a
 * PractitionerRole: {@link OrganisationReferences}), and only the Subscriptions it made (they carry
 * its endpoints). Others' are left out of searches, includes and later pages, and a read of one
 * answers as if it did not exist (HAPI's consent hook, which filters search results, not only
 * reads). The operator sees everything. Enforced mode only.
 */
@Component
@ConditionalOnProperty(
    name = "gateway.security.mode",
    havingValue = "enforced",
    matchIfMissing = true)
class OwnRecordsOnly extends ConsentInterceptor implements FhirServerInterceptor {

  OwnRecordsOnly(TaskParties tasks) {
    super(new Visibility(tasks));
  }

  private record Visibility(TaskParties tasks) implements IConsentService {

    @Override
    public ConsentOutcome canSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      return decide(request, resource);
    }

    @Override
    public ConsentOutcome willSeeResource(
        RequestDetails request, IBaseResource resource, IConsentContextServices services) {
      return decide(request, resource);
    }

    private ConsentOutcome decide(RequestDetails request, IBaseResource resource) {
      Caller caller = Caller.of(request);
      if (!caller.isPartner()) {
        return ConsentOutcome.PROCEED;
      }
      String ods = caller.odsCode();
      return visible(resource, ods) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
    }

    private boolean visible(IBaseResource resource, String ods) {
      if (resource instanceof Task task) {
        return tasks.involves(task, ods);
      }
      if (resource instanceof Subscription subscription) {
        return SubscriberOrganisation.of(subscription).map(ods::equalsIgnoreCase).orElse(false);
      }
      return true;
    }
  }
}
