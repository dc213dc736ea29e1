package org.cypmh.routes.delivery;

import java.util.Date;
import java.util.UUID;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.directory.DirectoryService;
import org.cypmh.routes.directory.PartnerEndpoint.Connection;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * What a partner receives: the young person and the referral, self-contained (no references into
 * the gateway's own store), as a FHIR transaction or a BaRS message.
 *
 * <p>The transaction is idempotent on the partner's side: the patient is created only if no patient
 * has the NHS number, and the referral is a conditional update on the referrer's identifier, so a
 * retried or replayed delivery, a later update and a cancellation all land on the same partner
 * resource. Supporting information stays in the gateway until the consent issue decides what may
 * travel with it.
 */
final class PartnerPayload {

  static final String NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";
  static final String BARS_EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars";
  static final String GATEWAY_ENDPOINT = "https://cypmh-gateway.org/fhir";

  private PartnerPayload() {}

  static Bundle build(
      RoutableReferral referral,
      DirectoryService destination,
      Connection connection,
      String idempotencyKey,
      Date now) {
    Patient patient = patient(referral.patient());
    ServiceRequest outgoing = serviceRequest(referral.outgoing());
    String patientUrl =
        "urn:uuid:" + UUID.nameUUIDFromBytes(("patient|" + idempotencyKey).getBytes());
    String referralUrl =
        "urn:uuid:" + UUID.nameUUIDFromBytes(("referral|" + idempotencyKey).getBytes());
    outgoing.setSubject(new Reference(patientUrl));
    Bundle bundle = new Bundle();
    bundle.setTimestamp(now);
    bundle.setIdentifier(
        new Identifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + idempotencyKey));
    if (connection == Connection.BARS_MESSAGE) {
      bundle.setType(BundleType.MESSAGE);
      MessageHeader header = new MessageHeader();
      header.setEvent(
          new Coding(BARS_EVENTS, "servicerequest-request", "ServiceRequest - Request"));
      header.getSource().setEndpoint(GATEWAY_ENDPOINT).setName("CYPMH gateway");
      header
          .addDestination()
          .setEndpoint(destination.endpoint() == null ? null : destination.endpoint().address())
          .setName(destination.name());
      header.addFocus(new Reference(referralUrl));
      bundle
          .addEntry()
          .setFullUrl("urn:uuid:" + UUID.nameUUIDFromBytes(("header|" + idempotencyKey).getBytes()))
          .setResource(header);
      bundle.addEntry().setFullUrl(referralUrl).setResource(outgoing);
      bundle.addEntry().setFullUrl(patientUrl).setResource(patient);
      return bundle;
    }
    bundle.setType(BundleType.TRANSACTION);
    Bundle.BundleEntryComponent patientEntry =
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient);
    patientEntry.getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    nhsNumber(patient)
        .ifPresent(
            n ->
                patientEntry
                    .getRequest()
                    .setIfNoneExist("identifier=" + NHS_NUMBER_SYSTEM + "|" + n));
    Identifier id = outgoing.getIdentifierFirstRep();
    bundle
        .addEntry()
        .setFullUrl(referralUrl)
        .setResource(outgoing)
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl("ServiceRequest?identifier=" + id.getSystem() + "|" + id.getValue());
    return bundle;
  }

  private static Patient patient(Patient stored) {
    Patient patient = stored.copy();
    patient.setId((String) null);
    patient.setMeta(null);
    return patient;
  }

  private static ServiceRequest serviceRequest(ServiceRequest stored) {
    ServiceRequest referral = stored.copy();
    referral.setId((String) null);
    referral.setMeta(null);
    referral.getSupportingInfo().clear();
    referral.getBasedOn().clear();
    referral.getReplaces().clear();
    referral.setRequester(logical(referral.getRequester()));
    return referral;
  }

  /** A reference the partner can resolve: identifier and display, without our resource ids. */
  private static Reference logical(Reference reference) {
    Reference logical = new Reference();
    logical.setIdentifier(reference.getIdentifier());
    logical.setDisplay(reference.getDisplay());
    logical.setType(
        reference.hasType()
            ? reference.getType()
            : reference.getReferenceElement().getResourceType());
    return logical;
  }

  private static java.util.Optional<String> nhsNumber(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> NHS_NUMBER_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
