package org.cypmh.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.cypmh.routes.api.BarsOrigin;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A referral sent again under a referrer identifier the gateway already holds, but saying something
 * else, is a conflict (409), not a repeat: answering it with the original would tell the sender its
 * change had been taken when it had not. The OperationOutcome names the referral held and the
 * elements that differ, and says how to send a change.
 *
 * <p>What the sender cannot know is not compared: ids, {@code meta} and narrative, references to
 * resources in its own Bundle ({@code urn:uuid:}), which the gateway stores under its own ids, and
 * what the gateway stamps on a referral itself (its {@link BarsOrigin}).
 */
@Component
class ResubmissionConflict {

  private final DaoRegistry daoRegistry;
  private final MatchUrlService matchUrlService;

  ResubmissionConflict(DaoRegistry daoRegistry, MatchUrlService matchUrlService) {
    this.daoRegistry = daoRegistry;
    this.matchUrlService = matchUrlService;
  }

  /**
   * @param matchUrl the referral's idempotency match URL (see {@link ReferralIdempotency#matchUrl})
   * @throws ResourceVersionConflictException if a referral is held under it with other content
   */
  void refuseChangedContent(ServiceRequest submitted, String matchUrl, RequestDetails request) {
    IFhirResourceDao<ServiceRequest> dao = daoRegistry.getResourceDao(ServiceRequest.class);
    FhirContext fhir = dao.getContext();
    SearchParameterMap byIdentifier =
        matchUrlService.translateMatchUrl(
            "ServiceRequest?" + matchUrl, fhir.getResourceDefinition("ServiceRequest"));
    byIdentifier.setLoadSynchronous(true);
    List<IBaseResource> held =
        dao.search(byIdentifier, new SystemRequestDetails()).getResources(0, 1);
    if (held.isEmpty()) {
      return;
    }
    ServiceRequest original = (ServiceRequest) held.get(0);
    List<String> differing = differingElements(submitted, original);
    if (!differing.isEmpty()) {
      throw conflict(original, differing, matchUrl, request);
    }
  }

  /** Names of the top-level elements whose content differs, in the resource's element order. */
  static List<String> differingElements(ServiceRequest submitted, ServiceRequest held) {
    ServiceRequest a = comparable(submitted, held);
    ServiceRequest b = comparable(held, submitted);
    List<String> differing = new ArrayList<>();
    for (Property property : a.children()) {
      String name = property.getName();
      if (name.equals("id") || name.equals("meta") || name.equals("text")) {
        continue;
      }
      List<Base> ours = a.getNamedProperty(name).getValues();
      List<Base> theirs = b.getNamedProperty(name).getValues();
      if (!Base.compareDeep(ours, theirs, true)) {
        differing.add(name);
      }
    }
    return differing;
  }

  /**
   * A copy of {@code resource} in which each reference that either side makes to a resource of the
   * sender's Bundle ({@code urn:uuid:...}) or to a contained one is blanked on this side, so that
   * only what both can state is compared.
   */
  private static ServiceRequest comparable(ServiceRequest resource, ServiceRequest other) {
    ServiceRequest copy = withoutGatewayMarks(resource);
    List<Reference> mine = references(copy);
    List<Reference> theirs = references(withoutGatewayMarks(other));
    for (int i = 0; i < mine.size(); i++) {
      boolean local = senderLocal(mine.get(i)) || (i < theirs.size() && senderLocal(theirs.get(i)));
      if (local) {
        mine.get(i).setReference(null);
      }
    }
    return copy;
  }

  /** What the gateway itself stamps on a stored referral (its BaRS origin) is not content. */
  private static ServiceRequest withoutGatewayMarks(ServiceRequest referral) {
    ServiceRequest copy = referral.copy();
    BarsOrigin.removeFrom(copy);
    return copy;
  }

  private static List<Reference> references(ServiceRequest resource) {
    return FhirContext.forR4Cached()
        .newTerser()
        .getAllPopulatedChildElementsOfType(resource, Reference.class);
  }

  private static boolean senderLocal(Reference reference) {
    String value = reference.getReference();
    return value != null && (value.startsWith("urn:") || value.startsWith("#"));
  }

  private static ResourceVersionConflictException conflict(
      ServiceRequest original, List<String> differing, String matchUrl, RequestDetails request) {
    String held = original.getIdElement().toUnqualifiedVersionless().getValue();
    String diagnostics =
        "A referral with this referrer identifier is already held ("
            + held
            + ") with different content ("
            + String.join(", ", differing.stream().map(d -> "ServiceRequest." + d).toList())
            + "). Send the change as an update (PUT ServiceRequest?"
            + URLDecoder.decode(matchUrl, StandardCharsets.UTF_8)
            + ", or a BaRS message with reason 'update'), or give a new referral its own identifier.";
    if (request != null && "$process-message".equals(request.getOperation())) {
      return (ResourceVersionConflictException)
          BarsError.REC_CONFLICT.exception(diagnostics, "ServiceRequest.identifier");
    }
    OperationOutcome outcome =
        ErrorOutcome.of(
            OperationOutcome.IssueType.CONFLICT, diagnostics, "ServiceRequest.identifier");
    return new ResourceVersionConflictException(diagnostics, null, outcome);
  }
}
