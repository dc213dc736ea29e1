package org.cypmh.gateway.intake;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.FhirOperations;
import org.cypmh.gateway.fhir.TaskParties;
import org.cypmh.gateway.validation.ValidationWarnings;
import org.cypmh.routes.api.BarsOrigin;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * BaRS messaging: {@code POST /fhir/$process-message} with a message Bundle. Every BaRS event is
 * handled or passed on ({@link BarsMessage}): a {@code servicerequest-request} (a referral, a
 * validation request, an update or cancellation of one) is stored as one transaction with the
 * message, through the same validation, idempotency and tracking as a REST referral, and routed (or
 * proxied to the service named); a {@code servicerequest-response} moves the referral's Task on; a
 * {@code booking-request} or {@code booking-response} is kept with its message and passed on to the
 * service it is for. Resource types the gateway does not store travel in the stored message. The
 * answer is a response message (MessageHeader response code {@code ok}, the focus, the tracking
 * Task, and any validation warnings as an OperationOutcome) or an OperationOutcome with a BaRS
 * error code.
 */
@Component
class ProcessMessageOperation implements FhirOperations {

  private static final int MAX_TASK_ATTEMPTS = 5;

  private final DaoRegistry daoRegistry;
  private final IFhirSystemDao<Bundle, ?> systemDao;
  private final ReferralTracking tracking;
  private final Clock clock;
  private final MatchUrlService matchUrlService;
  private final MessageDestination destination;

  private final TaskParties tasks;

  ProcessMessageOperation(
      DaoRegistry daoRegistry,
      IFhirSystemDao<Bundle, ?> systemDao,
      ReferralTracking tracking,
      Clock clock,
      MatchUrlService matchUrlService,
      MessageDestination destination,
      TaskParties tasks) {
    this.daoRegistry = daoRegistry;
    this.tasks = tasks;
    this.systemDao = systemDao;
    this.tracking = tracking;
    this.clock = clock;
    this.matchUrlService = matchUrlService;
    this.destination = destination;
  }

  @Operation(name = "$process-message", idempotent = false)
  public Bundle processMessage(
      @OperationParam(name = "content", min = 1, max = 1) Bundle message, RequestDetails request) {
    refuseRepeatedMessage(message, request);
    BarsMessage bars = BarsMessage.read(message);
    String target = destination.check(bars.header(), BarsHeaders.targetService(request), request);
    BarsHeaders.targetService(request, target);
    return switch (bars.event()) {
      case BarsDefinition.EVENT_SERVICEREQUEST_RESPONSE ->
          answer(ReferralResponse.read(message, bars.header()), message, request);
      case BarsDefinition.EVENT_BOOKING_REQUEST, BarsDefinition.EVENT_BOOKING_RESPONSE ->
          passOn(bars, target, request);
      default -> referral(bars, request);
    };
  }

  private Bundle referral(BarsMessage bars, RequestDetails request) {
    ReferralMessage referralMessage = ReferralMessage.read(bars);
    BarsOrigin origin = origin(bars);
    if (referralMessage.reason().changesExisting()) {
      ServiceRequest existing = requireExisting(referralMessage.referral(), request);
      // Answers name the message that started the conversation: the referral as first sent.
      BarsOrigin first = BarsOrigin.of(existing).orElse(origin);
      origin =
          new BarsOrigin(
              first.messageId() != null ? first.messageId() : origin.messageId(),
              origin.messageIdentifier(),
              origin.replyTo() != null ? origin.replyTo() : first.replyTo(),
              origin.definition());
    }
    Predicate<String> served = daoRegistry::isResourceTypeSupported;
    Bundle stored = systemDao.transaction(request, referralMessage.asTransaction(served, origin));
    IdType referralId =
        new IdType(
                stored
                    .getEntry()
                    .get(referralMessage.referralIndex(served))
                    .getResponse()
                    .getLocation())
            .toUnqualifiedVersionless();
    ServiceRequest referral =
        (ServiceRequest) daoRegistry.getResourceDao(ServiceRequest.class).read(referralId, request);
    List<Resource> more = new ArrayList<>();
    tracking.trackingTaskOf(referral).ifPresent(more::add);
    return response(bars.header(), referral, null, more, request);
  }

  /**
   * A booking request or response: the gateway does not book, it keeps the message (the outbox
   * event for passing it on is written with it, see {@link MessageForwardTracking}) and passes it
   * on to the service it is for.
   */
  private Bundle passOn(BarsMessage bars, String target, RequestDetails request) {
    if (target == null) {
      throw BarsError.REC_UNPROCESSABLE_ENTITY.exception(
          "A "
              + bars.event()
              + " is passed on to the service it is for: name it in "
              + BarsHeaders.TARGET
              + " or MessageHeader.destination",
          "Bundle.entry[0].resource.destination");
    }
    MessageForwardTracking.forwardTo(request, target);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction.addEntry(ReferralMessage.storedMessage(bars.bundle(), origin(bars)));
    systemDao.transaction(request, transaction);
    Resource focus = bars.focus().copy();
    return response(
        bars.header(),
        focus,
        bars.bundle().getEntry().get(bars.focusIndex()).getFullUrl(),
        List.of(),
        request);
  }

  /** Where this message came from, to answer it and find it again. */
  private static BarsOrigin origin(BarsMessage bars) {
    Bundle message = bars.bundle();
    Identifier identifier =
        message.getIdentifier().hasValue()
            ? message.getIdentifier().copy()
            : new Identifier()
                .setSystem("urn:ietf:rfc:3986")
                .setValue("urn:uuid:" + UUID.randomUUID());
    return new BarsOrigin(
        message.getIdElement().hasIdPart() ? message.getIdElement().getIdPart() : null,
        identifier,
        bars.header().getSource().getEndpoint(),
        bars.definitionUrl());
  }

  /**
   * An update for a referral the gateway never received is refused rather than turned into a new
   * referral: the sender's record and ours disagree, and a person has to look.
   */
  private ServiceRequest requireExisting(ServiceRequest referral, RequestDetails request) {
    String matchUrl = ReferralMessage.updateMatchUrl(referral);
    SearchParameterMap byIdentifier =
        matchUrlService.translateMatchUrl(
            "ServiceRequest?" + matchUrl,
            daoRegistry
                .getResourceDao(ServiceRequest.class)
                .getContext()
                .getResourceDefinition("ServiceRequest"));
    byIdentifier.setLoadSynchronous(true);
    List<IBaseResource> found =
        daoRegistry
            .getResourceDao(ServiceRequest.class)
            .search(byIdentifier, request)
            .getAllResources();
    if (found.isEmpty()) {
      throw BarsError.REC_NOT_FOUND.exception(
          "No referral with this referrer identifier has been received, so it cannot be updated",
          "ServiceRequest.identifier");
    }
    return (ServiceRequest) found.get(0);
  }

  /**
   * A message already processed (same Bundle.identifier) is refused with REC_CONFLICT, as BaRS
   * asks: the sender learns its retry was not needed, and nothing is done twice.
   */
  private void refuseRepeatedMessage(Bundle message, RequestDetails request) {
    if (!message.hasIdentifier() || !message.getIdentifier().hasValue()) {
      return;
    }
    SearchParameterMap byIdentifier =
        SearchParameterMap.newSynchronous(
            Bundle.SP_IDENTIFIER,
            new TokenParam(
                message.getIdentifier().getSystem(), message.getIdentifier().getValue()));
    if (!daoRegistry.getResourceDao(Bundle.class).search(byIdentifier, request).isEmpty()) {
      throw BarsError.REC_CONFLICT.exception(
          "This message (Bundle.identifier) has already been processed", "Bundle.identifier");
    }
  }

  /** A partner's answer to a delivered referral moves the referral's tracking Task on. */
  private Bundle answer(ReferralResponse response, Bundle message, RequestDetails request) {
    Identifier identifier = response.referral().getIdentifierFirstRep();
    List<IBaseResource> ours =
        daoRegistry
            .getResourceDao(ServiceRequest.class)
            .search(
                SearchParameterMap.newSynchronous(
                    ServiceRequest.SP_IDENTIFIER,
                    new TokenParam(identifier.getSystem(), identifier.getValue())),
                request)
            .getAllResources();
    if (ours.isEmpty()) {
      throw BarsError.REC_NOT_FOUND.exception(
          "No referral with this referrer identifier was delivered by the gateway",
          "ServiceRequest.identifier");
    }
    ServiceRequest referral = (ServiceRequest) ours.get(0);
    for (int attempt = 1; ; attempt++) {
      try {
        Task task = moveTaskOn(referral, response, message, request);
        return response(response.header(), referral, null, List.of(task), request);
      } catch (ResourceVersionConflictException e) {
        // The gateway's delivery feedback changed the Task since we read it: decide again.
        if (attempt == MAX_TASK_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /**
   * Writes the partner's answer onto the Task as read, conditional on that version (If-Match), in
   * one transaction with the message itself.
   */
  private Task moveTaskOn(
      ServiceRequest referral, ReferralResponse response, Bundle message, RequestDetails request) {
    Task task =
        tracking
            .trackingTaskOf(referral)
            .orElseThrow(
                () ->
                    BarsError.REC_NOT_FOUND.exception(
                        "The referral has no tracking Task", "ServiceRequest.identifier"));
    Caller caller = Caller.of(request);
    if (caller.isPartner() && !tasks.receivedBy(task, caller.odsCode())) {
      // Only a service the referral was delivered to (or its Task's owner) answers for it.
      throw BarsError.REC_FORBIDDEN.exception(
          "Only the service this referral was delivered to may answer it; "
              + caller.odsCode()
              + " is not that service's organisation",
          "MessageHeader.focus");
    }
    response.status().ifPresent(task::setStatus);
    task.getBusinessStatus().setText(response.businessStatus());
    task.setLastModified(Date.from(clock.instant()));
    Bundle received = message.copy();
    received.setId((String) null);
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction
        .addEntry()
        .setResource(task)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(task.getIdElement().toUnqualifiedVersionless().getValue())
        .setIfMatch("W/\"" + task.getIdElement().getVersionIdPart() + "\"");
    transaction
        .addEntry()
        .setResource(received)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.POST)
        .setUrl("Bundle");
    systemDao.transaction(request, transaction);
    return task;
  }

  /**
   * The response message: the focus (a stored resource, or an entry of the message named by its
   * fullUrl), what else the sender should know (the tracking Task), and the request's validation
   * warnings as an OperationOutcome.
   */
  private Bundle response(
      MessageHeader request,
      Resource focus,
      String focusUrl,
      List<Resource> more,
      RequestDetails details) {
    Bundle response = new Bundle();
    response.setType(Bundle.BundleType.MESSAGE);
    response.setTimestamp(Date.from(clock.instant()));
    response
        .getIdentifier()
        .setSystem("urn:ietf:rfc:3986")
        .setValue("urn:uuid:" + UUID.randomUUID());

    MessageHeader header = new MessageHeader();
    header.setId(UUID.randomUUID().toString());
    header.setEvent(request.getEvent());
    header
        .getResponse()
        .setIdentifier(request.getIdElement().getIdPart())
        .setCode(MessageHeader.ResponseType.OK);
    header.getSource().setEndpoint("urn:cypmh-gateway");
    request.getDestination().stream()
        .findFirst()
        .ifPresent(d -> header.getSource().setEndpoint(d.getEndpoint()).setName(d.getName()));
    header
        .addDestination()
        .setEndpoint(request.getSource().getEndpoint())
        .setName(request.getSource().getName());
    String focusFullUrl =
        focusUrl != null ? focusUrl : focus.getIdElement().toUnqualifiedVersionless().getValue();
    header.addFocus(new Reference(focusFullUrl));
    add(response, header);
    response.addEntry().setFullUrl(focusFullUrl).setResource(focus);
    more.forEach(resource -> add(response, resource));
    ValidationWarnings.of(details)
        .filter(OperationOutcome::hasIssue)
        .ifPresent(
            warnings -> {
              OperationOutcome outcome = warnings.copy();
              outcome.setId(UUID.randomUUID().toString());
              response
                  .addEntry()
                  .setFullUrl("urn:uuid:" + outcome.getIdPart())
                  .setResource(outcome);
            });
    return response;
  }

  private static void add(Bundle bundle, Resource resource) {
    String fullUrl =
        resource instanceof MessageHeader
            ? "urn:uuid:" + resource.getIdElement().getIdPart()
            : resource.getIdElement().toUnqualifiedVersionless().getValue();
    bundle.addEntry().setFullUrl(fullUrl).setResource(resource);
  }
}
