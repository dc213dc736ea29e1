package org.cypmh.gateway.intake;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ResourceVersionConflictResolutionStrategy;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A referral is accepted once: a resubmission with the same referrer identifier and the same
 * content returns the original ServiceRequest (200, same id), never a second referral; the same
 * identifier with different content is refused with 409 naming the conflict ({@link
 * ResubmissionConflict}), because a silent 200 would tell the sender its change was taken. A change
 * is sent as one: an update (conditional PUT, or a BaRS message with reason {@code update}).
 *
 * <p>Every ServiceRequest create, over REST or inside a transaction, becomes a HAPI conditional
 * create on the referrer's identifier (and on the requester, when it is a stored Organization).
 * HAPI records each conditional create's match URL in a uniquely-constrained table, so two
 * concurrent identical submissions cannot both insert: the loser's transaction fails on the
 * constraint, is retried here, and then finds the winner's referral.
 */
@Component
class ReferralIdempotency implements FhirServerInterceptor {

  private static final int MAX_RETRIES = 5;

  /**
   * After request validation (order 0): a referral that does not conform is refused for that (422)
   * before anyone compares it with what is held (409).
   */
  private static final int AFTER_VALIDATION = 100;

  private final ResubmissionConflict resubmissions;

  ReferralIdempotency(ResubmissionConflict resubmissions) {
    this.resubmissions = resubmissions;
  }

  /**
   * HAPI reads {@code If-None-Exist} when it binds the create's parameters, before any hook sees
   * the parsed resource, so the body is read here (HAPI caches it) to set the header in time.
   */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = AFTER_VALIDATION)
  boolean restCreate(RequestDetails request) {
    if (request.getRestOperationType() == RestOperationTypeEnum.CREATE
        && "ServiceRequest".equals(request.getResourceName())
        && request.getHeader(Constants.HEADER_IF_NONE_EXIST) == null) {
      parse(request)
          .ifPresent(
              referral ->
                  matchUrl(referral)
                      .ifPresent(
                          url -> {
                            resubmissions.refuseChangedContent(referral, url, request);
                            request.addHeader(Constants.HEADER_IF_NONE_EXIST, url);
                          }));
    }
    return true;
  }

  private static Optional<ServiceRequest> parse(RequestDetails request) {
    EncodingEnum encoding = RestfulServerUtils.determineRequestEncodingNoDefault(request);
    if (encoding == null) {
      return Optional.empty();
    }
    try {
      IBaseResource resource =
          encoding
              .newParser(request.getFhirContext())
              .parseResource(new String(request.loadRequestContents(), StandardCharsets.UTF_8));
      return resource instanceof ServiceRequest referral ? Optional.of(referral) : Optional.empty();
    } catch (DataFormatException e) {
      // HAPI parses the body again and answers 400 with its own message.
      return Optional.empty();
    }
  }

  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  void transaction(IBaseBundle bundle, RequestDetails request) {
    for (Bundle.BundleEntryComponent entry : ((Bundle) bundle).getEntry()) {
      if (entry.getResource() instanceof ServiceRequest referral
          && entry.getRequest().getMethod() == Bundle.HTTPVerb.POST
          && !entry.getRequest().hasIfNoneExist()) {
        matchUrl(referral)
            .ifPresent(
                url -> {
                  resubmissions.refuseChangedContent(referral, url, request);
                  entry.getRequest().setIfNoneExist(url);
                });
      }
    }
  }

  /**
   * A concurrent identical submission lost the race on the match URL, or a write lost a race with
   * routing over the young person's Task: run it again, from what is stored now.
   */
  @Hook(Pointcut.STORAGE_VERSION_CONFLICT)
  ResourceVersionConflictResolutionStrategy retryConflicts(RequestDetails request) {
    ResourceVersionConflictResolutionStrategy strategy =
        new ResourceVersionConflictResolutionStrategy();
    // A Patient update may move the young person's Tasks on too (NhsNumberTrace), racing routing.
    boolean referralWrite =
        "ServiceRequest".equals(request.getResourceName())
            || "Patient".equals(request.getResourceName())
            || request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
            || request.getRestOperationType() == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER;
    strategy.setRetry(referralWrite);
    strategy.setMaxRetries(MAX_RETRIES);
    return strategy;
  }

  static Optional<String> matchUrl(ServiceRequest referral) {
    Optional<Identifier> identifier =
        referral.getIdentifier().stream().filter(i -> i.hasSystem() && i.hasValue()).findFirst();
    if (identifier.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder url =
        new StringBuilder("identifier=")
            .append(
                encode(
                    escape(identifier.get().getSystem())
                        + "|"
                        + escape(identifier.get().getValue())));
    String requester = referral.getRequester().getReference();
    if (requester != null && requester.startsWith("Organization/")) {
      url.append("&requester=").append(encode(requester));
    }
    return Optional.of(url.toString());
  }

  /** FHIR search escaping: these characters separate values unless escaped. */
  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("|", "\\|").replace(",", "\\,").replace("$", "\\$");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
