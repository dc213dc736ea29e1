package org.cypmh.gateway.audit;

import java.time.Instant;
import java.util.Date;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * Builds the gateway's own audit events (those HAPI's BALP interceptor does not make: routing,
 * consent, delivery, refused requests) in the same IHE BALP shape: type and subtype, action,
 * outcome, agents with network address, the gateway as source, the young person and the resources
 * as entities.
 */
public final class AuditEventBuilder {

  /** Our event types and subtypes, where DICOM and the FHIR audit vocabularies have none. */
  public static final String GATEWAY_EVENT_TYPE =
      "https://cypmh-gateway.org/fhir/CodeSystem/audit-event-type";

  public static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
  public static final String FHIR_EVENT_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-event-type";
  public static final String RESTFUL_INTERACTION = "http://hl7.org/fhir/restful-interaction";

  private static final String ENTITY_TYPE =
      "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  private static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  private static final String PURPOSE = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  private static final String PARTICIPATION =
      "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

  private final AuditEvent event = new AuditEvent();

  private AuditEventBuilder(Coding type, Coding subtype, AuditEventAction action, Instant at) {
    event.setType(type);
    event.addSubtype(subtype);
    event.setAction(action);
    event.setRecorded(Date.from(at));
    event.setOutcome(AuditEventOutcome._0);
    event
        .getSource()
        .setObserver(new Reference().setDisplay("CYPMH gateway"))
        .addType(
            new Coding(
                "http://terminology.hl7.org/CodeSystem/security-source-type",
                "4",
                "Application Server"));
  }

  /** An event of one of the gateway's own types, e.g. {@code routing-decision}. */
  public static AuditEventBuilder gateway(
      String type, String subtype, AuditEventAction action, Instant at) {
    return new AuditEventBuilder(
        new Coding(GATEWAY_EVENT_TYPE, type, null),
        new Coding(GATEWAY_EVENT_TYPE, subtype, null),
        action,
        at);
  }

  /** Data sent to a partner (DICOM "Export"), e.g. a delivery attempt. */
  public static AuditEventBuilder export(String subtype, Instant at) {
    return new AuditEventBuilder(
        new Coding(DICOM, "110106", "Export"),
        new Coding(GATEWAY_EVENT_TYPE, subtype, null),
        AuditEventAction.R,
        at);
  }

  /** A RESTful request, e.g. one the gateway refused. */
  public static AuditEventBuilder rest(String interaction, AuditEventAction action, Instant at) {
    return new AuditEventBuilder(
        new Coding(FHIR_EVENT_TYPE, "rest", "Restful Operation"),
        new Coding(RESTFUL_INTERACTION, interaction, null),
        action,
        at);
  }

  /** 0 success, 4 minor failure (refused, withheld), 8 serious failure, 12 major failure. */
  public AuditEventBuilder outcome(AuditEventOutcome outcome, String description) {
    event.setOutcome(outcome);
    event.setOutcomeDesc(description);
    return this;
  }

  /** Why the data was used or shared; {@code TREAT} for direct care. */
  public AuditEventBuilder purpose(String code) {
    event.addPurposeOfEvent(new CodeableConcept(new Coding(PURPOSE, code, null)));
    return this;
  }

  /**
   * Who asked (the requesting partner, or the gateway itself acting on a route). {@code who} is a
   * reference (may be identifier-only); {@code address} the network address, or null.
   */
  public AuditEventBuilder requestor(Reference who, String address) {
    agent(who, address, true, new Coding(PARTICIPATION, "AUT", "author (originator)"));
    return this;
  }

  /** Who received (or would have received) the data. */
  public AuditEventBuilder recipient(Reference who, String address) {
    agent(who, address, false, new Coding(PARTICIPATION, "IRCP", "information recipient"));
    return this;
  }

  /** The young person the data is about (BALP: entity type person, role patient). */
  public AuditEventBuilder patient(String patient) {
    if (patient != null) {
      entity(
          patient, new Coding(ENTITY_TYPE, "1", "Person"), new Coding(OBJECT_ROLE, "1", "Patient"));
    }
    return this;
  }

  /** A resource the exchange was about (BALP: system object, domain resource). */
  public AuditEventBuilder data(String reference) {
    if (reference != null) {
      entity(
          reference,
          new Coding(ENTITY_TYPE, "2", "System Object"),
          new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }
    return this;
  }

  /** The Consent resources that decided (BALP: system object, security resource). */
  public AuditEventBuilder consent(String reference) {
    entity(
        reference,
        new Coding(ENTITY_TYPE, "2", "System Object"),
        new Coding(OBJECT_ROLE, "13", "Security Resource"));
    return this;
  }

  /** Correlates the event with others of the same exchange (BALP's X-Request-Id entity). */
  public AuditEventBuilder correlation(String requestId) {
    if (requestId != null) {
      event
          .addEntity()
          .setType(
              new Coding(
                  "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType",
                  "XrequestId",
                  null))
          .setWhat(new Reference().setIdentifier(new Identifier().setValue(requestId)));
    }
    return this;
  }

  /** A name/value detail on the entity added last, e.g. the consent rule that decided. */
  public AuditEventBuilder detail(String name, String value) {
    if (value != null && !event.getEntity().isEmpty()) {
      event
          .getEntity()
          .get(event.getEntity().size() - 1)
          .addDetail()
          .setType(name)
          .setValue(new StringType(value));
    }
    return this;
  }

  public AuditEvent build() {
    return event;
  }

  /** A directory service, named by its identifier (agent.who cannot be a HealthcareService). */
  public static Reference service(String serviceId, String display) {
    return new Reference()
        .setIdentifier(
            new Identifier().setSystem(ServiceDirectory.SERVICE_ID_SYSTEM).setValue(serviceId))
        .setDisplay(display);
  }

  /** An organisation, named by its ODS code. */
  public static Reference organisation(String odsCode, String display) {
    return new Reference()
        .setIdentifier(
            new Identifier()
                .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                .setValue(odsCode))
        .setDisplay(display);
  }

  private void agent(Reference who, String address, boolean requestor, Coding role) {
    AuditEventAgentComponent agent = event.addAgent().setWho(who).setRequestor(requestor);
    agent.addRole(new CodeableConcept(role));
    if (address != null) {
      agent
          .getNetwork()
          .setAddress(address)
          .setType(
              address.contains("://")
                  ? AuditEventAgentNetworkType._5
                  : AuditEventAgentNetworkType._2);
    }
  }

  private void entity(String reference, Coding type, Coding role) {
    event.addEntity().setWhat(new Reference(reference)).setType(type).setRole(role);
  }
}
