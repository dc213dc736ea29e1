package org.cypmh.gateway.audit;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Instant;
import java.util.List;
import org.cypmh.gateway.fhir.FhirOperations;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;

/**
 * {@code AuditEvent} on the FHIR API, read-only and for auditors: read by id, and search by
 * patient, agent (the partner's or service's identifier), date, type, subtype, outcome and
 * request-id (every record of one exchange), newest first, paged with {@code _count} and {@code
 * _offset}. Served from the audit trail, not from JPA resource storage: audit rows are written
 * once, sealed, and never go through resource updates.
 */
@Component
class AuditEventProvider implements IResourceProvider, FhirOperations {

  /** The request an event belongs to (its X-Request-ID): all records of one exchange. */
  static final String REQUEST_ID = "request-id";

  private static final int DEFAULT_COUNT = 50;
  private static final int MAX_COUNT = 500;

  private final AuditTrail trail;

  AuditEventProvider(AuditTrail trail) {
    this.trail = trail;
  }

  @Override
  public Class<AuditEvent> getResourceType() {
    return AuditEvent.class;
  }

  @Read
  public AuditEvent read(@IdParam IdType id, RequestDetails request) {
    AuditorOnly.require(request);
    return trail
        .read(id.getIdPart())
        .orElseThrow(() -> new ResourceNotFoundException(id.toUnqualifiedVersionless()));
  }

  @Search
  public IBundleProvider search(
      @OptionalParam(name = AuditEvent.SP_PATIENT) ReferenceParam patient,
      @OptionalParam(name = AuditEvent.SP_AGENT) ReferenceParam agent,
      @OptionalParam(name = AuditEvent.SP_TYPE) TokenParam type,
      @OptionalParam(name = AuditEvent.SP_SUBTYPE) TokenParam subtype,
      @OptionalParam(name = AuditEvent.SP_OUTCOME) TokenParam outcome,
      @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
      @OptionalParam(name = REQUEST_ID) StringParam requestId,
      @Offset Integer offset,
      @Count Integer count,
      RequestDetails request) {
    AuditorOnly.require(request);
    AuditQuery query =
        new AuditQuery(
            patient == null ? null : "Patient/" + patient.getIdPart(),
            agent(agent),
            code(type),
            code(subtype),
            code(outcome),
            date == null || date.getLowerBoundAsInstant() == null
                ? null
                : date.getLowerBoundAsInstant().toInstant(),
            upper(date),
            requestId == null ? null : requestId.getValue());
    int first = offset == null ? 0 : Math.max(0, offset);
    int size = count == null ? DEFAULT_COUNT : Math.max(0, Math.min(MAX_COUNT, count));
    List<AuditEvent> page = trail.search(query, first, size);
    SimpleBundleProvider result = new SimpleBundleProvider(page);
    result.setCurrentPageOffset(first);
    result.setCurrentPageSize(size);
    result.setSize((int) Math.min(Integer.MAX_VALUE, trail.count(query)));
    return result;
  }

  /** {@code agent:identifier=system|value}, or {@code agent=system|value} as a shorthand. */
  private static String agent(ReferenceParam agent) {
    if (agent == null) {
      return null;
    }
    String value = agent.getValue();
    if (!value.contains("|")) {
      throw new InvalidRequestException(
          "Search AuditEvent by agent with agent:identifier=<system>|<value>, e.g."
              + " agent:identifier=https://fhir.nhs.uk/Id/ods-organization-code|RZZ");
    }
    return value;
  }

  private static String code(TokenParam token) {
    return token == null ? null : token.getValue();
  }

  private static Instant upper(DateRangeParam date) {
    if (date == null || date.getUpperBoundAsInstant() == null) {
      return null;
    }
    // The upper bound is inclusive to the precision given (a day, a second): up to its end.
    return date.getUpperBound().getPrecision().add(date.getUpperBoundAsInstant(), 1).toInstant();
  }
}
