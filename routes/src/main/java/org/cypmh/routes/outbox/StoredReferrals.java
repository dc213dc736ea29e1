package org.cypmh.routes.outbox;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.England;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.terminology.api.ValueSetMembership;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A stored referral as the routes see it ({@link RoutableReferral}): with its young person, its
 * supporting information, and what its BaRS message carried that the gateway keeps only there.
 */
@Component
class StoredReferrals {

  private final DaoRegistry daoRegistry;
  private final ValueSetMembership terminology;
  private final ServiceDirectory directory;
  private final WrittenReferrals written;

  StoredReferrals(
      DaoRegistry daoRegistry,
      ValueSetMembership terminology,
      ServiceDirectory directory,
      WrittenReferrals written) {
    this.daoRegistry = daoRegistry;
    this.terminology = terminology;
    this.directory = directory;
    this.written = written;
  }

  /** The referral version an event is about, e.g. {@code ServiceRequest/123/_history/1}. */
  ServiceRequest read(String focus) {
    return written
        .take(focus)
        .orElseGet(
            () ->
                daoRegistry
                    .getResourceDao(ServiceRequest.class)
                    .read(new IdType(focus), new SystemRequestDetails()));
  }

  /** The referral, ready for the routes; referred on its authored date, or when it was received. */
  RoutableReferral routable(ServiceRequest referral, Instant received) {
    return new RoutableReferral(
            referral,
            patientOf(referral),
            supportingInfoOf(referral),
            referredOn(referral, received),
            terminology,
            directory)
        .carrying(keptOnlyInMessage(referral));
  }

  /** The young person the referral is about, e.g. {@code Patient/123}, or null. */
  static String patientReference(ServiceRequest referral) {
    IdType subject = new IdType(referral.getSubject().getReference());
    return "Patient".equals(subject.getResourceType())
        ? subject.toUnqualifiedVersionless().getValue()
        : null;
  }

  /** The stored resources the referral points to as supporting information. */
  private List<Resource> supportingInfoOf(ServiceRequest referral) {
    List<Resource> resources = new ArrayList<>();
    for (Reference reference : referral.getSupportingInfo()) {
      IdType id = new IdType(reference.getReference());
      if (!id.hasResourceType() || !id.hasIdPart() || id.isAbsolute()) {
        continue;
      }
      resources.add(
          (Resource)
              daoRegistry
                  .getResourceDao(id.getResourceType())
                  .read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
    }
    return resources;
  }

  private Patient patientOf(ServiceRequest referral) {
    String patient = patientReference(referral);
    return patient == null
        ? null
        : daoRegistry
            .getResourceDao(Patient.class)
            .read(new IdType(patient), new SystemRequestDetails());
  }

  private static LocalDate referredOn(ServiceRequest referral, Instant received) {
    return referral.hasAuthoredOn()
        ? referral.getAuthoredOn().toInstant().atZone(England.ZONE).toLocalDate()
        : received.atZone(England.ZONE).toLocalDate();
  }

  /**
   * The resources of the referral's BaRS message that were kept only in the message, each with an
   * id made from its entry's fullUrl (so a payload names it the same way every time).
   */
  private List<Resource> keptOnlyInMessage(ServiceRequest referral) {
    Optional<Identifier> messageIdentifier =
        BarsOrigin.of(referral).map(BarsOrigin::messageIdentifier);
    if (messageIdentifier.isEmpty() || !messageIdentifier.get().hasValue()) {
      return List.of();
    }
    List<Resource> carried = new ArrayList<>();
    for (var found :
        daoRegistry
            .getResourceDao(Bundle.class)
            .search(
                SearchParameterMap.newSynchronous(
                    Bundle.SP_IDENTIFIER,
                    new TokenParam(
                        messageIdentifier.get().getSystem(), messageIdentifier.get().getValue())),
                new SystemRequestDetails())
            .getAllResources()) {
      Bundle message = (Bundle) found;
      for (Bundle.BundleEntryComponent entry : message.getEntry()) {
        Resource resource = entry.getResource();
        if (resource != null
            && BarsOrigin.keptOnlyInMessage(
                resource.fhirType(), daoRegistry::isResourceTypeSupported)
            && !"MessageHeader".equals(resource.fhirType())) {
          Resource copy = resource.copy();
          String idPart =
              entry.hasFullUrl()
                  ? entry.getFullUrl().replaceAll("^.*[:/]", "")
                  : UUID.randomUUID().toString();
          copy.setId(resource.fhirType() + "/" + idPart);
          carried.add(copy);
        }
      }
      break;
    }
    return carried;
  }
}
