package org.cypmh.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.cypmh.routes.api.BarsCodes;
import org.cypmh.routes.api.BarsOrigin;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * The referrer's asynchronous answer, as BaRS defines it: when the receiving service answers a
 * referral that came as a BaRS message (its {@code servicerequest-response} to the gateway, or its
 * own change of the Task: accepted, rejected, in progress, completed...), the gateway posts a
 * {@code servicerequest-response} message to the referrer's {@code $process-message}, with {@code
 * MessageHeader.response.identifier} the {@code Bundle.id} of the referrer's original message and
 * {@code response.code} {@code ok} (or {@code fatal-error} for a rejection or failure).
 *
 * <p>The referrer's address is its message's {@code source.endpoint}: an https URL on a host the
 * operator allows ({@code gateway.bars.reply-hosts}), or a {@code system|value} id of a directory
 * service; else the directory service of the referring organisation (ODS code). The answer is
 * queued in the transaction that changes the Task and sent through the routes module's durable
 * delivery (retries, audit of every attempt, dead letter), beside any Task subscription's
 * notification.
 *
 * <p>A REST-server interceptor on purpose: it sees the receiving service's requests, not the
 * gateway's own Task bookkeeping (routing and delivery feedback).
 */
@Component
class ReferrerResponses implements FhirServerInterceptor {

  static final String RECIPIENT = "bars-referrer";
  private static final Set<Task.TaskStatus> ANSWERS =
      Set.of(
          Task.TaskStatus.ACCEPTED,
          Task.TaskStatus.REJECTED,
          Task.TaskStatus.INPROGRESS,
          Task.TaskStatus.ONHOLD,
          Task.TaskStatus.COMPLETED,
          Task.TaskStatus.FAILED);

  private final DaoRegistry daoRegistry;
  private final DeliveryRecords deliveries;
  private final ServiceDirectory directory;
  private final BarsProperties properties;
  private final FhirContext fhirContext;
  private final Clock clock;

  ReferrerResponses(
      DaoRegistry daoRegistry,
      DeliveryRecords deliveries,
      ServiceDirectory directory,
      BarsProperties properties,
      FhirContext fhirContext,
      Clock clock) {
    this.daoRegistry = daoRegistry;
    this.deliveries = deliveries;
    this.directory = directory;
    this.properties = properties;
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  void updated(IBaseResource previous, IBaseResource current) {
    if (!(current instanceof Task task)
        || !(previous instanceof Task before)
        || task.getStatus() == before.getStatus()
        || !ANSWERS.contains(task.getStatus())
        || !task.getFocus().hasReference()) {
      return;
    }
    Optional<ServiceRequest> referral = referral(task.getFocus().getReference());
    Optional<BarsOrigin> origin = referral.flatMap(BarsOrigin::of);
    if (origin.isEmpty()) {
      return;
    }
    Optional<ReplyAddress> address = replyAddress(origin.get(), referral.get());
    if (address.isEmpty()) {
      return;
    }
    Bundle answer = answer(origin.get(), address.get(), referral.get(), task);
    deliveries.notifySubscriber(
        RECIPIENT,
        address.get().url(),
        address.get().credentials(),
        task.getIdElement().toUnqualified().getValue(),
        fhirContext.newJsonParser().encodeResourceToString(answer));
  }

  private Optional<ServiceRequest> referral(String reference) {
    IdType id = new IdType(reference);
    if (!"ServiceRequest".equals(id.getResourceType())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          daoRegistry
              .getResourceDao(ServiceRequest.class)
              .read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  /** Where the referrer takes answers: its $process-message, and the certificate to present. */
  record ReplyAddress(String url, String credentials) {}

  private Optional<ReplyAddress> replyAddress(BarsOrigin origin, ServiceRequest referral) {
    String replyTo = origin.replyTo();
    if (replyTo != null && allowedReplyUrl(replyTo)) {
      return Optional.of(new ReplyAddress(processMessage(replyTo), properties.replyCredentials()));
    }
    Optional<DirectoryService> service = Optional.empty();
    if (replyTo != null && replyTo.lastIndexOf('|') > 0) {
      int bar = replyTo.lastIndexOf('|');
      service = directory.byIdentifier(replyTo.substring(0, bar), replyTo.substring(bar + 1));
    }
    if (service.isEmpty() && referral.getRequester().hasIdentifier()) {
      service =
          directory.byIdentifier(
              referral.getRequester().getIdentifier().getSystem(),
              referral.getRequester().getIdentifier().getValue());
    }
    return service
        .filter(s -> s.endpoint() != null && s.endpoint().address() != null)
        .map(
            s ->
                new ReplyAddress(
                    processMessage(s.endpoint().address()), s.endpoint().credentials()));
  }

  /** An https URL on a host the operator allows ({@code gateway.bars.reply-hosts}). */
  private boolean allowedReplyUrl(String address) {
    try {
      URI uri = new URI(address);
      return "https".equalsIgnoreCase(uri.getScheme())
          && uri.getHost() != null
          && properties.replyHosts().stream().anyMatch(uri.getHost()::equalsIgnoreCase);
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String processMessage(String address) {
    if (address.endsWith("$process-message")) {
      return address;
    }
    return (address.endsWith("/") ? address : address + "/") + "$process-message";
  }

  /** The {@code servicerequest-response} message: the referral as it stands and its Task. */
  private Bundle answer(BarsOrigin origin, ReplyAddress address, ServiceRequest stored, Task task) {
    String version = task.getIdElement().toUnqualified().getValue();
    String messageId = UUID.nameUUIDFromBytes(("answer|" + version).getBytes()).toString();
    String referralUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("referral|" + version).getBytes());
    String patientUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("patient|" + version).getBytes());
    String taskUrl = "urn:uuid:" + UUID.nameUUIDFromBytes(("task|" + version).getBytes());

    Bundle message = new Bundle().setType(Bundle.BundleType.MESSAGE);
    message.setId(messageId);
    message.getIdentifier().setSystem("urn:ietf:rfc:3986").setValue("urn:uuid:" + messageId);
    message.setTimestamp(Date.from(clock.instant()));

    MessageHeader header = new MessageHeader();
    header.setId(UUID.nameUUIDFromBytes(("header|" + version).getBytes()).toString());
    header.setEvent(
        new Coding(
            BarsCodes.EVENTS_SYSTEM,
            BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE,
            "ServiceRequest - Response"));
    header.setDefinition(
        (origin.validation()
                ? BarsDefinition.VALIDATION_RESPONSE_FULL
                : BarsDefinition.REFERRAL_RESPONSE)
            .url());
    header
        .getResponse()
        .setIdentifier(
            origin.messageId() != null
                ? origin.messageId()
                : origin.messageIdentifier() == null ? null : origin.messageIdentifier().getValue())
        .setCode(
            task.getStatus() == Task.TaskStatus.REJECTED
                    || task.getStatus() == Task.TaskStatus.FAILED
                ? MessageHeader.ResponseType.FATALERROR
                : MessageHeader.ResponseType.OK);
    header.getSource().setEndpoint(properties.endpoint()).setName("CYPMH gateway");
    header
        .addDestination()
        .setEndpoint(origin.replyTo() != null ? origin.replyTo() : address.url());
    if (task.hasOwner()) {
      header.setSender(logical(task.getOwner()));
    }
    header.addFocus(new Reference(referralUrl));
    message.addEntry().setFullUrl("urn:uuid:" + header.getIdPart()).setResource(header);

    ServiceRequest referral = stored.copy();
    referral.setId((String) null);
    referral.setMeta(null);
    BarsOrigin.removeFrom(referral);
    referral.getSupportingInfo().clear();
    referral.setSubject(new Reference(patientUrl));
    referral.setRequester(logical(referral.getRequester()));
    message.addEntry().setFullUrl(referralUrl).setResource(referral);
    patient(stored).ifPresent(p -> message.addEntry().setFullUrl(patientUrl).setResource(p));

    Task answered = task.copy();
    answered.setId((String) null);
    answered.setMeta(null);
    answered.setFocus(new Reference(referralUrl));
    answered.setFor(new Reference(patientUrl));
    answered.setRequester(logical(answered.getRequester()));
    answered.setOwner(logical(answered.getOwner()));
    answered.getOutput().clear();
    message.addEntry().setFullUrl(taskUrl).setResource(answered);
    return message;
  }

  private Optional<Patient> patient(ServiceRequest referral) {
    IdType subject = new IdType(referral.getSubject().getReference());
    if (!"Patient".equals(subject.getResourceType())) {
      return Optional.empty();
    }
    Patient patient =
        daoRegistry
            .getResourceDao(Patient.class)
            .read(subject.toUnqualifiedVersionless(), new SystemRequestDetails())
            .copy();
    patient.setId((String) null);
    patient.setMeta(null);
    return Optional.of(patient);
  }

  /** A reference the referrer can resolve: identifier and display, without our resource ids. */
  private static Reference logical(Reference reference) {
    Reference logical = new Reference();
    logical.setIdentifier(reference.getIdentifier());
    logical.setDisplay(reference.getDisplay());
    if (reference.hasType()) {
      logical.setType(reference.getType());
    } else if (reference.getReferenceElement().hasResourceType()) {
      logical.setType(reference.getReferenceElement().getResourceType());
    }
    return logical;
  }
}
