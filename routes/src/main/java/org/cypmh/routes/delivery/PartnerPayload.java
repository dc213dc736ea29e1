package org.cypmh.routes.delivery;

import ca.uhn.fhir.context.FhirContext;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.BarsCodes;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.api.ServiceDirectory;
import org.cypmh.routes.api.SharedRecord;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * What a partner receives: the young person and the referral, self-contained (no references into
 * the gateway's own store), as a FHIR transaction or a BaRS message.
 *
 * <p>The transaction is idempotent on the partner's side: the patient is created only if no patient
 * has the NHS number, and the referral is a conditional update on the referrer's identifier, so a
 * retried or replayed delivery, a later update and a cancellation all land on the same partner
 * resource. Supporting information travels with the referral, except resources carrying a security
 * label the recipient may not have (redaction): those are left out, and so are the referral's
 * pointers to them.
 */
final class PartnerPayload {

  static final String GATEWAY_ENDPOINT = "https://cypmh-gateway.org/fhir";

  /** The identifier a shared record carries at the partner: the gateway's resource id. */
  static final String RECORD_ID_SYSTEM = "https://cypmh-gateway.org/fhir/Id/shared-record";

  private PartnerPayload() {}

  static Bundle build(
      FhirContext fhirContext,
      RoutableReferral referral,
      DirectoryService destination,
      Connection connection,
      String idempotencyKey,
      Date now) {
    Patient patient = patient(referral.patient());
    ServiceRequest outgoing = serviceRequest(referral.outgoing());
    String patientUrl = url("patient", idempotencyKey);
    String referralUrl = url("referral", idempotencyKey);
    outgoing.setSubject(new Reference(patientUrl));
    Map<String, Resource> supporting = new LinkedHashMap<>();
    for (Resource stored : referral.supportingInfo()) {
      String supportingUrl =
          url(stored.getIdElement().toUnqualifiedVersionless().getValue(), idempotencyKey);
      supporting.put(
          supportingUrl, selfContained(fhirContext, stored, patientIdOf(referral), patientUrl));
      outgoing.addSupportingInfo(new Reference(supportingUrl));
    }
    // Resources the gateway keeps only in the referral's message (types it does not serve, such as
    // a Questionnaire) travel with it as they came.
    for (Resource carried : referral.carried()) {
      supporting.put(
          url("carried|" + carried.getIdElement().getIdPart(), idempotencyKey),
          selfContained(fhirContext, carried, patientIdOf(referral), patientUrl));
    }
    Bundle bundle = new Bundle();
    bundle.setTimestamp(now);
    bundle.setIdentifier(
        new Identifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + idempotencyKey));
    if (connection == Connection.BARS_MESSAGE) {
      bundle.setType(BundleType.MESSAGE);
      // BaRS names a message by its Bundle.id: the receiver answers with it in response.identifier.
      bundle.setId(uuid("message|" + idempotencyKey));
      MessageHeader header = header(referral, destination, referralUrl);
      bundle
          .addEntry()
          .setFullUrl("urn:uuid:" + uuid("header|" + idempotencyKey))
          .setResource(header);
      bundle.addEntry().setFullUrl(referralUrl).setResource(outgoing);
      bundle.addEntry().setFullUrl(patientUrl).setResource(patient);
      supporting.forEach((url, r) -> bundle.addEntry().setFullUrl(url).setResource(r));
      return bundle;
    }
    bundle.setType(BundleType.TRANSACTION);
    addPatient(bundle, patientUrl, patient);
    Identifier id = outgoing.getIdentifierFirstRep();
    bundle
        .addEntry()
        .setFullUrl(referralUrl)
        .setResource(outgoing)
        .getRequest()
        .setMethod(HTTPVerb.PUT)
        .setUrl("ServiceRequest?identifier=" + id.getSystem() + "|" + id.getValue());
    for (Map.Entry<String, Resource> each : supporting.entrySet()) {
      Resource resource = each.getValue();
      Bundle.BundleEntryComponent entry =
          bundle.addEntry().setFullUrl(each.getKey()).setResource(resource);
      entry.getRequest().setMethod(HTTPVerb.POST).setUrl(resource.fhirType());
      firstIdentifier(fhirContext, resource)
          .ifPresent(i -> entry.getRequest().setIfNoneExist("identifier=" + i));
    }
    return bundle;
  }

  /**
   * A complete BaRS MessageHeader, so the receiver can tell a new referral from an update or a
   * cancellation: event {@code servicerequest-request}, reason {@code new} or {@code update}, the
   * MessageDefinition (referral, validation, or cancellation), the referrer as sender, the gateway
   * as source (answers come back to its {@code $process-message}), the service as destination.
   */
  private static MessageHeader header(
      RoutableReferral referral, DirectoryService destination, String referralUrl) {
    MessageHeader header = new MessageHeader();
    header.setEvent(
        new Coding(BarsCodes.EVENTS_SYSTEM, "servicerequest-request", "ServiceRequest - Request"));
    header
        .getReason()
        .addCoding(
            new Coding(
                BarsCodes.REASONS_SYSTEM,
                referral.change() == RoutableReferral.Change.NEW ? "new" : "update",
                null));
    header.setDefinition(definition(referral));
    header.setSender(logical(referral.received().getRequester()));
    header
        .getSource()
        .setEndpoint(GATEWAY_ENDPOINT + "/$process-message")
        .setName("CYPMH gateway")
        .setSoftware("cypmh-gateway");
    MessageHeader.MessageDestinationComponent to =
        header
            .addDestination()
            .setEndpoint(
                destination.endpoint() == null
                    ? ServiceDirectory.SERVICE_ID_SYSTEM + "|" + destination.serviceId()
                    : destination.endpoint().address() + "/$process-message")
            .setName(destination.name());
    to.getReceiver()
        .setIdentifier(
            new Identifier()
                .setSystem(ServiceDirectory.SERVICE_ID_SYSTEM)
                .setValue(destination.serviceId()))
        .setDisplay(destination.name());
    header.addFocus(new Reference(referralUrl));
    return header;
  }

  private static String definition(RoutableReferral referral) {
    if (referral.change() == RoutableReferral.Change.CANCELLATION) {
      return BarsOrigin.CANCELLATION;
    }
    return BarsOrigin.of(referral.received())
        .filter(BarsOrigin::validation)
        .map(o -> BarsOrigin.VALIDATION)
        .orElse(BarsOrigin.REFERRAL);
  }

  /**
   * A BaRS message the gateway passes on as it came (a booking request or response): the sender's
   * MessageHeader (event, reason, definition, sender, source, focus) kept, addressed to the
   * directory service it is for.
   */
  static Bundle forwarded(Bundle message, DirectoryService destination) {
    Bundle copy = message.copy();
    // The sender's message id, not the gateway's storage id: the receiver answers with it.
    copy.setId(
        message.getMeta().getTag().stream()
            .filter(t -> BarsOrigin.MESSAGE_ID_TAG.equals(t.getSystem()))
            .map(Coding::getCode)
            .findFirst()
            .orElse(null));
    copy.setMeta(null);
    MessageHeader header = (MessageHeader) copy.getEntryFirstRep().getResource();
    header.getDestination().clear();
    MessageHeader.MessageDestinationComponent to =
        header
            .addDestination()
            .setEndpoint(
                destination.endpoint() == null
                    ? ServiceDirectory.SERVICE_ID_SYSTEM + "|" + destination.serviceId()
                    : destination.endpoint().address() + "/$process-message")
            .setName(destination.name());
    to.getReceiver()
        .setIdentifier(
            new Identifier()
                .setSystem(ServiceDirectory.SERVICE_ID_SYSTEM)
                .setValue(destination.serviceId()))
        .setDisplay(destination.name());
    return copy;
  }

  /**
   * Shared records as a transaction the partner can apply as often as it receives it: the young
   * person created only if no patient has the NHS number, each record a conditional update on the
   * gateway's identifier for it (so a later change of a record lands on the same partner resource).
   */
  static Bundle records(
      FhirContext fhirContext, SharedRecord record, String idempotencyKey, Date now) {
    Bundle bundle = new Bundle();
    bundle.setType(BundleType.TRANSACTION);
    bundle.setTimestamp(now);
    bundle.setIdentifier(
        new Identifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + idempotencyKey));
    String patientUrl = url("patient", idempotencyKey);
    addPatient(bundle, patientUrl, patient(record.patient()));
    for (Resource stored : record.resources()) {
      String id = stored.getIdElement().toUnqualifiedVersionless().getValue();
      Resource copy = selfContained(fhirContext, stored, record.patientId(), patientUrl);
      Identifier gatewayId = fhirContext.newTerser().addElement(copy, "identifier");
      gatewayId.setSystem(RECORD_ID_SYSTEM).setValue(id);
      bundle
          .addEntry()
          .setFullUrl(url(id, idempotencyKey))
          .setResource(copy)
          .getRequest()
          .setMethod(HTTPVerb.PUT)
          .setUrl(copy.fhirType() + "?identifier=" + RECORD_ID_SYSTEM + "|" + id);
    }
    return bundle;
  }

  /**
   * Leaves out the resources carrying any of these security labels, and the referral's pointers to
   * them. Returns how many were left out.
   */
  static int redact(Bundle bundle, Set<String> withheldLabels) {
    if (withheldLabels.isEmpty()) {
      return 0;
    }
    Set<String> removed = new HashSet<>();
    bundle
        .getEntry()
        .removeIf(
            e -> {
              boolean restricted =
                  !(e.getResource() instanceof ServiceRequest)
                      && !(e.getResource() instanceof Patient)
                      && !(e.getResource() instanceof MessageHeader)
                      && e.getResource().getMeta().getSecurity().stream()
                          .anyMatch(label -> withheldLabels.contains(label.getCode()));
              if (restricted) {
                removed.add(e.getFullUrl());
              }
              return restricted;
            });
    bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(ServiceRequest.class::isInstance)
        .map(ServiceRequest.class::cast)
        .forEach(r -> r.getSupportingInfo().removeIf(ref -> removed.contains(ref.getReference())));
    return removed.size();
  }

  /** The young person, created at the partner only if no patient there has the NHS number. */
  private static void addPatient(Bundle bundle, String patientUrl, Patient patient) {
    Bundle.BundleEntryComponent entry =
        bundle.addEntry().setFullUrl(patientUrl).setResource(patient);
    entry.getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    nhsNumber(patient)
        .ifPresent(
            n ->
                entry
                    .getRequest()
                    .setIfNoneExist(
                        "identifier=" + ConformancePackage.NHS_NUMBER_SYSTEM + "|" + n));
  }

  private static String url(String name, String idempotencyKey) {
    return "urn:uuid:" + UUID.nameUUIDFromBytes((name + "|" + idempotencyKey).getBytes());
  }

  private static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes()).toString();
  }

  private static String patientIdOf(RoutableReferral referral) {
    return referral.patient() == null
        ? null
        : referral.patient().getIdElement().toUnqualifiedVersionless().getValue();
  }

  /**
   * A resource as the partner gets it: its security labels kept (the partner must know what is
   * restricted), the young person pointed at the payload's patient, other references logical.
   */
  private static Resource selfContained(
      FhirContext fhirContext, Resource stored, String patientId, String patientUrl) {
    Resource copy = stored.copy();
    List<Coding> labels = copy.getMeta().getSecurity();
    copy.setMeta(null);
    labels.forEach(copy.getMeta()::addSecurity);
    for (Reference reference :
        fhirContext.newTerser().getAllPopulatedChildElementsOfType(copy, Reference.class)) {
      if (patientId != null && patientId.equals(reference.getReference())) {
        reference.setReference(patientUrl);
      } else if (reference.hasReference()) {
        Reference logical = logical(reference);
        reference.setReference(null);
        reference.setIdentifier(logical.getIdentifier());
        reference.setType(logical.getType());
      }
    }
    copy.setId((String) null);
    return copy;
  }

  private static Optional<String> firstIdentifier(FhirContext fhirContext, Resource resource) {
    return fhirContext.newTerser().getValues(resource, "identifier", Identifier.class).stream()
        .filter(i -> i.hasSystem() && i.hasValue())
        .map(i -> i.getSystem() + "|" + i.getValue())
        .findFirst();
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
    BarsOrigin.removeFrom(referral);
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

  private static Optional<String> nhsNumber(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue)
        .findFirst();
  }
}
