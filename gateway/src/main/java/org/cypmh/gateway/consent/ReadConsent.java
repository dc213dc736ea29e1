package org.cypmh.gateway.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.routes.api.ConsentDecision;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.stereotype.Component;

/**
 * Consent for partners reading: every resource about a young person that a read, search, later
 * result page, {@code _include}/{@code _revinclude} or {@code $everything} would return is shown
 * only if the consent service permits the reading organisation to see it; the rest are left out of
 * the answer.
 *
 * <p>The reader is the organisation named by the {@code NHSD-End-User-Organisation-ODS} header (NHS
 * APIs' header for the calling organisation). A request without it is the gateway's own operator
 * and is not filtered; partner authentication (a later issue) binds the header to the authenticated
 * partner.
 *
 * <p>Writes are not filtered: a partner always sees what it wrote. Reads inside a transaction or
 * batch Bundle are refused before anything is written (HAPI's consent filtering of written
 * resources in a transaction once left half-written rows: hapi-fhir #7769).
 */
@Component
class ReadConsent implements IConsentService {

  private static final String DECISIONS = ReadConsent.class.getName() + ".decisions";
  private static final String READER = ReadConsent.class.getName() + ".reader";
  private static final Set<RestOperationTypeEnum> READS =
      Set.of(
          RestOperationTypeEnum.READ,
          RestOperationTypeEnum.VREAD,
          RestOperationTypeEnum.SEARCH_TYPE,
          RestOperationTypeEnum.SEARCH_SYSTEM,
          RestOperationTypeEnum.GET_PAGE,
          RestOperationTypeEnum.HISTORY_INSTANCE,
          RestOperationTypeEnum.HISTORY_TYPE,
          RestOperationTypeEnum.HISTORY_SYSTEM,
          RestOperationTypeEnum.GRAPHQL_REQUEST);

  private final ConsentService consent;
  private final Recipients recipients;
  private final ConsentDecisionLog log;
  private final DaoRegistry daoRegistry;
  private final FhirContext fhirContext;
  private final Clock clock;

  ReadConsent(
      ConsentService consent,
      Recipients recipients,
      ConsentDecisionLog log,
      DaoRegistry daoRegistry,
      FhirContext fhirContext,
      Clock clock) {
    this.consent = consent;
    this.recipients = recipients;
    this.log = log;
    this.daoRegistry = daoRegistry;
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  @Override
  public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
    Caller caller = Caller.of(request);
    if (!caller.isPartner()) {
      return ConsentOutcome.AUTHORIZED;
    }
    if (caller.isMalformed()) {
      throw new InvalidRequestException(
          Caller.ODS_HEADER + " must be the calling organisation's ODS code (letters and digits)");
    }
    String ods = caller.odsCode();
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation == RestOperationTypeEnum.TRANSACTION
        || operation == RestOperationTypeEnum.BATCH) {
      refuseReadsInside(request);
      return ConsentOutcome.AUTHORIZED;
    }
    boolean reads =
        READS.contains(operation)
            || (request.getOperation() != null && request.getOperation().equals("$everything"));
    if (!reads) {
      return ConsentOutcome.AUTHORIZED;
    }
    request
        .getUserData()
        .put(
            READER,
            recipients
                .byOdsCode(ods)
                .orElse(
                    new Recipient(
                        null,
                        ods,
                        null,
                        Set.of(),
                        null,
                        "organisation " + ods + " (not in the directory)")));
    return ConsentOutcome.PROCEED;
  }

  @Override
  public ConsentOutcome canSeeResource(
      RequestDetails request, IBaseResource resource, IConsentContextServices services) {
    Recipient reader = (Recipient) request.getUserData().get(READER);
    if (reader == null) {
      return ConsentOutcome.PROCEED;
    }
    String patientId = patientOf(resource);
    if (patientId == null) {
      return ConsentOutcome.PROCEED;
    }
    ConsentQuestion question =
        new ConsentQuestion(
            patient(patientId, resource),
            patientId,
            reader,
            ConsentQuestion.TREATMENT,
            fhirContext.getResourceType(resource),
            RoutingConsent.labels((Resource) resource),
            Set.of(),
            clock.instant(),
            null);
    ConsentDecision decision = consent.decide(question);
    decisions(request)
        .putIfAbsent(patientId + "|" + decision.rule(), new Decided(question, decision));
    return decision.permitted() ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
  }

  @Override
  public void completeOperationSuccess(RequestDetails request, IConsentContextServices services) {
    recordDecisions(request);
  }

  @Override
  public void completeOperationFailure(
      RequestDetails request,
      BaseServerResponseException exception,
      IConsentContextServices services) {
    recordDecisions(request);
  }

  private void recordDecisions(RequestDetails request) {
    Map<String, Decided> decided = decisions(request);
    String subject = request.getRequestPath();
    decided
        .values()
        .forEach(
            d -> log.record(d.question(), d.decision(), "read", subject, request.getRequestId()));
    decided.clear();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Decided> decisions(RequestDetails request) {
    return (Map<String, Decided>)
        request.getUserData().computeIfAbsent(DECISIONS, k -> new LinkedHashMap<String, Decided>());
  }

  private void refuseReadsInside(RequestDetails request) {
    if (request.getResource() instanceof Bundle bundle
        && bundle.getEntry().stream()
            .anyMatch(e -> e.hasRequest() && e.getRequest().getMethod() == HTTPVerb.GET)) {
      throw new ForbiddenOperationException(
          "Reads inside a transaction or batch Bundle are not allowed for partners: search or"
              + " read each resource, so that consent applies to what is returned. Nothing was"
              + " written.");
    }
  }

  /** The young person the resource is about (its Patient compartment), or null if none. */
  private String patientOf(IBaseResource resource) {
    if (resource instanceof Patient patient) {
      return patient.getIdElement().toUnqualifiedVersionless().getValue();
    }
    List<IIdType> owners =
        fhirContext
            .newTerser()
            .getCompartmentOwnersForResource("Patient", resource, Set.<String>of());
    return owners.isEmpty()
        ? null
        : new IdType(owners.get(0).getValue()).toUnqualifiedVersionless().getValue();
  }

  private Patient patient(String patientId, IBaseResource resource) {
    if (resource instanceof Patient patient) {
      return patient;
    }
    try {
      return daoRegistry
          .getResourceDao(Patient.class)
          .read(new IdType(patientId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return null;
    }
  }

  private record Decided(ConsentQuestion question, ConsentDecision decision) {}
}
