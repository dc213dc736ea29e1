package org.cypmh.gateway.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The audit trail: stores every audit event (HAPI's BALP events and the gateway's own) durably, in
 * the transaction of the exchange it describes, and reads them back for auditors. Each row gets the
 * gateway's MAC as it is written; the sealer later seals it into the signed chain.
 */
@Component
public class AuditTrail {

  private static final String PATIENT_ROLE = "1";
  private static final String REQUEST_ID_ENTITY = "XrequestId";

  private final AuditKeys keys;
  private final AuditProperties properties;
  private final FhirContext fhirContext;
  private final Clock clock;

  @PersistenceContext private EntityManager entityManager;

  AuditTrail(AuditKeys keys, AuditProperties properties, FhirContext fhirContext, Clock clock) {
    this.keys = keys;
    this.properties = properties;
    this.fhirContext = fhirContext;
    this.clock = clock;
  }

  @Transactional(propagation = Propagation.REQUIRED)
  public void record(AuditEvent event) {
    if (!properties.enabled()) {
      return;
    }
    String id = UUID.randomUUID().toString();
    Instant recorded =
        (event.hasRecorded() ? event.getRecorded().toInstant() : clock.instant())
            .truncatedTo(ChronoUnit.MILLIS);
    event.setId(id);
    event.setRecorded(Date.from(recorded));
    AuditRecord row =
        new AuditRecord(
            id,
            recorded,
            clip(event.getType().getCode(), 40),
            clip(event.hasSubtype() ? event.getSubtypeFirstRep().getCode() : null, 60),
            event.hasAction() ? event.getAction().toCode() : null,
            event.hasOutcome() ? event.getOutcome().toCode() : "0",
            clip(patientOf(event), 100),
            clip(agentOf(event), 200),
            clip(requestIdOf(event), 64),
            parser().encodeResourceToString(event));
    row.mac(keys.mac(row.canonicalBytes()));
    entityManager.persist(row);
  }

  @Transactional(readOnly = true)
  public Optional<AuditEvent> read(String id) {
    return Optional.ofNullable(entityManager.find(AuditRecord.class, id)).map(this::event);
  }

  /** Matching events, newest first. */
  @Transactional(readOnly = true)
  public List<AuditEvent> search(AuditQuery query, int offset, int count) {
    return typed(query, "select r", AuditRecord.class, " order by r.recorded desc, r.id desc")
        .setFirstResult(offset)
        .setMaxResults(count)
        .getResultList()
        .stream()
        .map(this::event)
        .toList();
  }

  @Transactional(readOnly = true)
  public long count(AuditQuery query) {
    return typed(query, "select count(r)", Long.class, "").getSingleResult();
  }

  /** Records after {@code since} (exclusive) in the order they were recorded, for export. */
  @Transactional(readOnly = true)
  public List<AuditRecord> after(Instant since, String afterId, Instant until, int max) {
    return entityManager
        .createQuery(
            "from AuditRecord r where (r.recorded > :since or (r.recorded = :since and r.id >"
                + " :afterId)) and r.recorded < :until order by r.recorded, r.id",
            AuditRecord.class)
        .setParameter("since", since)
        .setParameter("afterId", afterId)
        .setParameter("until", until)
        .setMaxResults(max)
        .getResultList();
  }

  AuditEvent event(AuditRecord row) {
    AuditEvent event = parser().parseResource(AuditEvent.class, row.content());
    event.setId(new IdType("AuditEvent", row.id()));
    return event;
  }

  private <T> TypedQuery<T> typed(AuditQuery query, String select, Class<T> type, String order) {
    StringBuilder where = new StringBuilder(" from AuditRecord r where 1 = 1");
    List<Object[]> parameters = new ArrayList<>();
    condition(where, parameters, "r.patient", "patient", query.patient(), "=");
    condition(where, parameters, "r.agent", "agent", query.agent(), "=");
    condition(where, parameters, "r.type", "type", query.type(), "=");
    condition(where, parameters, "r.subtype", "subtype", query.subtype(), "=");
    condition(where, parameters, "r.outcome", "outcome", query.outcome(), "=");
    condition(where, parameters, "r.recorded", "fromTime", query.from(), ">=");
    condition(where, parameters, "r.recorded", "toTime", query.to(), "<");
    condition(where, parameters, "r.requestId", "requestId", query.requestId(), "=");
    TypedQuery<T> typed = entityManager.createQuery(select + where + order, type);
    parameters.forEach(p -> typed.setParameter((String) p[0], p[1]));
    return typed;
  }

  private static void condition(
      StringBuilder where,
      List<Object[]> parameters,
      String column,
      String name,
      Object value,
      String operator) {
    if (value != null) {
      where.append(" and ").append(column).append(' ').append(operator).append(" :").append(name);
      parameters.add(new Object[] {name, value});
    }
  }

  /**
   * Search columns are short; a hostile request can carry longer values. The full value stays in
   * the stored AuditEvent; the column keeps its start, and the exchange is never refused for it.
   */
  private static String clip(String value, int length) {
    return value == null || value.length() <= length ? value : value.substring(0, length);
  }

  private IParser parser() {
    return fhirContext.newJsonParser();
  }

  /** The young person: the entity in the patient role, versionless. */
  static String patientOf(AuditEvent event) {
    for (AuditEventEntityComponent entity : event.getEntity()) {
      if (PATIENT_ROLE.equals(entity.getRole().getCode()) && entity.getWhat().hasReference()) {
        IdType id = new IdType(entity.getWhat().getReference());
        return id.toUnqualifiedVersionless().getValue();
      }
    }
    return null;
  }

  /** The partner or service: the first agent named by an identifier, else by a reference. */
  static String agentOf(AuditEvent event) {
    for (AuditEventAgentComponent agent : event.getAgent()) {
      Identifier identifier = agent.getWho().getIdentifier();
      if (identifier.hasValue()) {
        return identifier.getSystem() + "|" + identifier.getValue();
      }
    }
    return event.getAgent().stream()
        .map(AuditEventAgentComponent::getWho)
        .filter(Reference::hasReference)
        .map(Reference::getReference)
        .findFirst()
        .orElse(null);
  }

  /** The X-Request-ID the event carries (BALP's transaction entity), or null. */
  static String requestIdOf(AuditEvent event) {
    return event.getEntity().stream()
        .filter(e -> REQUEST_ID_ENTITY.equals(e.getType().getCode()))
        .map(e -> e.getWhat().getIdentifier().getValue())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
