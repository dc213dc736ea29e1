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
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * BaRS-style referral messaging: {@code POST /fhir/$process-message} with a message Bundle whose
 * MessageHeader (event {@code servicerequest-request}, reason new or update) focuses on the
 * ServiceRequest. The message's resources and the message itself are stored as one FHIR
 * transaction, through the same validation, idempotency and tracking as a REST referral; the answer
 * is a response message (MessageHeader response code {@code ok}, the stored referral and its
 * tracking Task) or an OperationOutcome with a BaRS error code.
 */
@Component
class ProcessMessageOperation implements FhirOperations {

  private static final int MAX_TASK_ATTEMPTS = 5;

  private final DaoRegistry daoRegistry;
  private final IFhirSystemDao<Bundle, ?> systemDao;
  private final ReferralTracking tracking;
  private final Clock clock;
  private final MatchUrlService matchUrlService;

  ProcessMessageOperation(
      DaoRegistry daoRegistry,
      IFhirSystemDao<Bundle, ?> systemDao,
      ReferralTracking tracking,
      Clock clock,
      MatchUrlService matchUrlService) {
    this.daoRegistry = daoRegistry;
    this.systemDao = systemDao;
    this.tracking = tracking;
    this.clock = clock;
    this.matchUrlService = matchUrlService;
  }

  @Operation(name = "$process-message", idempotent = false)
  public Bundle processMessage(
      @OperationParam(name = "content", min = 1, max = 1) Bundle message, RequestDetails request) {
    refuseRepeatedMessage(message, request);
    MessageHeader header = ReferralMessage.header(message);
    if (ReferralResponse.EVENT.equals(header.getEventCoding().getCode())
        && ReferralMessage.EVENT_SYSTEM.equals(header.getEventCoding().getSystem())) {
      return answer(ReferralResponse.read(message, header), message, request);
    }
    ReferralMessage referralMessage = ReferralMessage.read(message);
    if (referralMessage.reason() == ReferralMessage.Reason.UPDATE) {
      requireExisting(referralMessage.referral(), request);
    }
    Bundle stored = systemDao.transaction(request, referralMessage.asTransaction());
    IdType referralId = storedReferral(stored, referralMessage);
    ServiceRequest referral =
        (ServiceRequest) daoRegistry.getResourceDao(ServiceRequest.class).read(referralId, request);
    return response(referralMessage.header(), referral);
  }

  /**
   * An update for a referral the gateway never received is refused rather than turned into a new
   * referral: the sender's record and ours disagree, and a person has to look.
   */
  private void requireExisting(ServiceRequest referral, RequestDetails request) {
    String matchUrl = ReferralMessage.updateMatchUrl(referral);
    SearchParameterMap byIdentifier =
        matchUrlService.translateMatchUrl(
            "ServiceRequest?" + matchUrl,
            daoRegistry
                .getResourceDao(ServiceRequest.class)
                .getContext()
                .getResourceDefinition("ServiceRequest"));
    byIdentifier.setLoadSynchronous(true);
    if (daoRegistry.getResourceDao(ServiceRequest.class).search(byIdentifier, request).isEmpty()) {
      throw BarsError.REC_NOT_FOUND.exception(
          "No referral with this referrer identifier has been received, so it cannot be updated",
          "ServiceRequest.identifier");
    }
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
        moveTaskOn(referral, response, message, request);
        break;
      } catch (ResourceVersionConflictException e) {
        // The gateway's delivery feedback changed the Task since we read it: decide again.
        if (attempt == MAX_TASK_ATTEMPTS) {
          throw e;
        }
      }
    }
    return response(response.header(), referral);
  }

  /**
   * Writes the partner's answer onto the Task as read, conditional on that version (If-Match), in
   * one transaction with the message itself.
   */
  private void moveTaskOn(
      ServiceRequest referral, ReferralResponse response, Bundle message, RequestDetails request) {
    Task task =
        tracking
            .trackingTaskOf(referral)
            .orElseThrow(
                () ->
                    BarsError.REC_NOT_FOUND.exception(
                        "The referral has no tracking Task", "ServiceRequest.identifier"));
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
  }

  private static IdType storedReferral(Bundle transactionResponse, ReferralMessage message) {
    Bundle.BundleEntryComponent entry = transactionResponse.getEntry().get(message.referralIndex());
    return new IdType(entry.getResponse().getLocation()).toUnqualifiedVersionless();
  }

  private Bundle response(MessageHeader request, ServiceRequest referral) {
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
    header.addFocus(new Reference(referral.getIdElement().toUnqualifiedVersionless().getValue()));
    add(response, header);
    add(response, referral);
    tracking.trackingTaskOf(referral).ifPresent(task -> add(response, task));
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
