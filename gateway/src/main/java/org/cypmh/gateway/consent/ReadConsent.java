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
import org.cypmh.gateway.fhir.ErrorOutcome;
import org.cypmh.gateway.fhir.OrganisationReferences;
import org.cypmh.routes.api.ConsentDecision;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
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
  private static final String BREAK_GLASS = ReadConsent.class.getName() + ".breakGlass";
  private static final String GRANTS = ReadConsent.class.getName() + ".grants";

  /** A partner breaking glass on a read names the reason code here (required). */
  public static final String BREAK_GLASS_REASON_HEADER = "CYPMH-Break-Glass-Reason";

  /** Optional free text for the reviewer; kept with the use only, never logged nor audited. */
  public static final String BREAK_GLASS_JUSTIFICATION_HEADER = "CYPMH-Break-Glass-Justification";

  /** Recorded as the reason asked for when a break-glass read gave none. */
  static final String NO_REASON = "none-given";

  static final String BREAK_GLASS_REFUSED = "break-glass-refused";

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
  private final BreakGlassUses breakGlassUses;
  private final DaoRegistry daoRegistry;
  private final FhirContext fhirContext;
  private final Clock clock;

  private final OrganisationReferences organisations;

  ReadConsent(
      ConsentService consent,
      Recipients recipients,
      ConsentDecisionLog log,
      BreakGlassUses breakGlassUses,
      DaoRegistry daoRegistry,
      FhirContext fhirContext,
      OrganisationReferences organisations,
      Clock clock) {
    this.organisations = organisations;
    this.consent = consent;
    this.recipients = recipients;
    this.log = log;
    this.breakGlassUses = breakGlassUses;
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
    Recipient reader =
        recipients
            .byOdsCode(ods)
            .orElse(
                new Recipient(
                    null,
                    ods,
                    null,
                    Set.of(),
                    null,
                    "organisation " + ods + " (not in the directory)"));
    request.getUserData().put(READER, reader);
    breakGlassAsked(request, reader);
    return ConsentOutcome.PROCEED;
  }

  /**
   * A break-glass read (either header given): refused with 403, and recorded, unless the reason is
   * a configured one and the reader provides a crisis or safeguarding service.
   */
  private void breakGlassAsked(RequestDetails request, Recipient reader) {
    String reason = trimmed(request.getHeader(BREAK_GLASS_REASON_HEADER));
    String justification = trimmed(request.getHeader(BREAK_GLASS_JUSTIFICATION_HEADER));
    if (reason == null && justification == null) {
      return;
    }
    String refusal = consent.breakGlassRefusal(reader, reason);
    if (refusal == null) {
      request.getUserData().put(BREAK_GLASS, new BreakGlassAsked(reason, justification));
      return;
    }
    String asked = reason == null ? NO_REASON : reason.substring(0, Math.min(40, reason.length()));
    ConsentQuestion question =
        new ConsentQuestion(
            null,
            null,
            reader,
            ConsentQuestion.TREATMENT,
            request.getResourceName() == null ? "" : request.getResourceName(),
            Set.of(),
            Set.of(),
            clock.instant(),
            asked);
    log.record(
        question,
        ConsentDecision.deny(BREAK_GLASS_REFUSED, "break-glass read refused: " + refusal),
        "read",
        request.getRequestPath(),
        request.getRequestId());
    OperationOutcome outcome =
        ErrorOutcome.of(
            OperationOutcome.IssueType.FORBIDDEN,
            "Break-glass refused: " + refusal + ". Nothing was read.");
    throw new ForbiddenOperationException("Break-glass refused: " + refusal, outcome);
  }

  private static String trimmed(String header) {
    return header == null || header.isBlank() ? null : header.trim();
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
    if (resource instanceof ServiceRequest referral
        && organisations.names(referral.getRequester(), reader.odsCode())) {
      // The referrer's own referral: it wrote it, and needs it to update or cancel it.
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
            breakGlass(request, reader, patientId));
    ConsentDecision decision = consent.decide(question);
    BreakGlassAsked asked = (BreakGlassAsked) request.getUserData().get(BREAK_GLASS);
    if (decision.breakGlass() != null && asked != null && asked.patient == null) {
      asked.patient = patientId;
    }
    decisions(request)
        .putIfAbsent(patientId + "|" + decision.rule(), new Decided(question, decision));
    return decision.permitted() ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
  }

  /**
   * The break-glass reason that applies to this young person: the one asked for in this request (it
   * opens one young person's records: the first it decides), else that of a use still open for this
   * reader and young person; null if none.
   */
  private String breakGlass(RequestDetails request, Recipient reader, String patientId) {
    BreakGlassAsked asked = (BreakGlassAsked) request.getUserData().get(BREAK_GLASS);
    if (asked != null && (asked.patient == null || asked.patient.equals(patientId))) {
      return asked.reason;
    }
    if (reader.odsCode() == null || !consent.mayBreakGlass(reader)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Map<String, String> grants =
        (Map<String, String>)
            request.getUserData().computeIfAbsent(GRANTS, k -> new LinkedHashMap<String, String>());
    if (!grants.containsKey(patientId)) {
      grants.put(
          patientId,
          breakGlassUses
              .grant(reader.odsCode(), patientId)
              .map(BreakGlassUse::reason)
              .orElse(null));
    }
    return grants.get(patientId);
  }

  @Override
  public void completeOperationSuccess(RequestDetails request, IConsentContextServices services) {
    recordDecisions(request);
    BreakGlassAsked asked = (BreakGlassAsked) request.getUserData().remove(BREAK_GLASS);
    if (asked != null && asked.patient != null) {
      breakGlassUses.open(
          (Recipient) request.getUserData().get(READER),
          asked.patient,
          asked.reason,
          asked.justification,
          request.getRequestId());
    }
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

  /** A break-glass asked for on this request, and the young person it opened (once decided). */
  private static final class BreakGlassAsked {
    private final String reason;
    private final String justification;
    private String patient;

    private BreakGlassAsked(String reason, String justification) {
      this.reason = reason;
      this.justification = justification;
    }
  }
}
