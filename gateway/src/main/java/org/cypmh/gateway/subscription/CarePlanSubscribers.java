package org.cypmh.gateway.subscription;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.cypmh.gateway.consent.OrganisationConsent;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.stereotype.Component;

/**
 * Subscriptions to care plans are a GP practice's, for its own registered patients: the gateway
 * stamps each one with the organisation that made it (a partner cannot name another), and notifies
 * it only of plans of young people registered with that practice whose consent lets the practice
 * have them.
 */
@Component
class CarePlanSubscribers implements FhirServerInterceptor {

  static final String SUBSCRIBER_EXTENSION =
      "https://cypmh-gateway.org/fhir/StructureDefinition/subscriber-organisation";
  static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

  private final DaoRegistry daoRegistry;
  private final OrganisationConsent consent;

  CarePlanSubscribers(DaoRegistry daoRegistry, OrganisationConsent consent) {
    this.daoRegistry = daoRegistry;
    this.consent = consent;
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  void creating(IBaseResource resource, RequestDetails request) {
    stamp(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  void updating(IBaseResource previous, IBaseResource current, RequestDetails request) {
    stamp(current, request);
  }

  private void stamp(IBaseResource resource, RequestDetails request) {
    if (!(resource instanceof Subscription subscription)
        || !subscription.getCriteria().startsWith("CarePlan")) {
      return;
    }
    Caller caller = Caller.of(request);
    if (!caller.isPartner() || caller.isMalformed()) {
      throw new UnprocessableEntityException(
          "Care plan subscriptions are made by a GP practice for its registered patients:"
              + " send the practice's ODS code in "
              + Caller.ODS_HEADER);
    }
    subscription.getExtension().removeIf(e -> SUBSCRIBER_EXTENSION.equals(e.getUrl()));
    subscription.addExtension(
        SUBSCRIBER_EXTENSION, new Identifier().setSystem(ODS_SYSTEM).setValue(caller.odsCode()));
  }

  /** May this subscription be told of this plan: its practice's patient, consent permitting. */
  boolean mayNotify(Subscription subscription, CarePlan plan) {
    if (!(subscription.getExtensionByUrl(SUBSCRIBER_EXTENSION) != null
        && subscription.getExtensionByUrl(SUBSCRIBER_EXTENSION).getValue()
            instanceof Identifier subscriber)) {
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
    boolean registered =
        patient.getGeneralPractitioner().stream()
            .anyMatch(gp -> subscriber.getValue().equalsIgnoreCase(odsCode(gp)));
    return registered
        && consent.permits(subscriber.getValue(), patient, plan, "subscription-notification");
  }

  private String odsCode(Reference practice) {
    if (practice.hasIdentifier() && ODS_SYSTEM.equals(practice.getIdentifier().getSystem())) {
      return practice.getIdentifier().getValue();
    }
    IIdType id = practice.getReferenceElement();
    if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart()) {
      return null;
    }
    return daoRegistry
        .getResourceDao(Organization.class)
        .read(id.toUnqualifiedVersionless(), new SystemRequestDetails())
        .getIdentifier()
        .stream()
        .filter(i -> ODS_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst()
        .orElse(null);
  }
}
