package org.cypmh.gateway.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * "Who received or viewed this young person's record, when and why", from the audit trail alone:
 * every successful delivery to a partner (received, with the consent rule it went under) and every
 * successful read, search or operation that returned their data (viewed, with the consent decision
 * made for that request). Newest first.
 */
@Component
class AccessReport {

  private static final int MAX = 1000;
  private static final String EXPORT = "110106";

  private final AuditTrail trail;

  AccessReport(AuditTrail trail) {
    this.trail = trail;
  }

  Parameters of(String patient) {
    List<AuditEvent> events = trail.search(AuditQuery.ofPatient(patient), 0, MAX);
    Map<String, AuditEvent> readDecisions = new HashMap<>();
    for (AuditEvent event : events) {
      if (isType(event, "consent-decision") && "read".equals(subtype(event))) {
        readDecisions.putIfAbsent(String.valueOf(AuditTrail.requestIdOf(event)), event);
      }
    }
    Parameters report = new Parameters();
    for (AuditEvent event : events) {
      if (event.getOutcome() != AuditEventOutcome._0) {
        continue;
      }
      if (EXPORT.equals(event.getType().getCode()) && "delivery-attempt".equals(subtype(event))) {
        report.addParameter(access(event, "received", "direct care; consent rule " + rule(event)));
      } else if ("rest".equals(event.getType().getCode()) && !isWrite(event)) {
        AuditEvent decision = readDecisions.get(String.valueOf(AuditTrail.requestIdOf(event)));
        report.addParameter(access(event, "viewed", why(decision)));
      }
    }
    return report;
  }

  private static ParametersParameterComponent access(AuditEvent event, String how, String why) {
    ParametersParameterComponent access = new ParametersParameterComponent().setName("access");
    access.addPart().setName("when").setValue(new InstantType(event.getRecorded()));
    AuditEventAgentComponent who = partnerAgent(event);
    access.addPart().setName("who").setValue(new StringType(who.getWho().getDisplay()));
    Identifier identifier = who.getWho().getIdentifier();
    if (identifier.hasValue()) {
      access.addPart().setName("whoIdentifier").setValue(identifier.copy());
    }
    if (who.getNetwork().hasAddress()) {
      access.addPart().setName("address").setValue(new StringType(who.getNetwork().getAddress()));
    }
    access.addPart().setName("how").setValue(new StringType(how));
    access
        .addPart()
        .setName("interaction")
        .setValue(
            new StringType(
                event.getSubtype().stream()
                    .map(c -> c.getCode())
                    .collect(Collectors.joining(" "))));
    for (AuditEventEntityComponent entity : event.getEntity()) {
      if ("4".equals(entity.getRole().getCode()) && entity.getWhat().hasReference()) {
        access.addPart().setName("what").setValue(new Reference(entity.getWhat().getReference()));
      }
    }
    access.addPart().setName("why").setValue(new StringType(why));
    access.addPart().setName("auditEvent").setValue(new Reference(event.getIdElement().getValue()));
    return access;
  }

  /**
   * The requesting partner of a read (BALP's requestor, which keeps the partner's name), else the
   * receiving service of a delivery: the first agent named by an identifier.
   */
  private static AuditEventAgentComponent partnerAgent(AuditEvent event) {
    List<AuditEventAgentComponent> named =
        event.getAgent().stream().filter(a -> a.getWho().getIdentifier().hasValue()).toList();
    return named.stream()
        .filter(AuditEventAgentComponent::getRequestor)
        .findFirst()
        .orElse(named.isEmpty() ? event.getAgentFirstRep() : named.get(0));
  }

  private static String why(AuditEvent decision) {
    if (decision == null) {
      return "gateway operator access (not consent-filtered)";
    }
    return "direct care; consent rule " + rule(decision) + ": " + decision.getOutcomeDesc();
  }

  private static String rule(AuditEvent event) {
    return event.getEntity().stream()
        .flatMap(e -> e.getDetail().stream())
        .filter(d -> d.getType().equals("consent-rule") || d.getType().equals("rule"))
        .map(d -> d.getValue().primitiveValue())
        .findFirst()
        .orElse("unknown");
  }

  private static boolean isWrite(AuditEvent event) {
    return switch (event.getAction()) {
      case C, U, D -> true;
      default -> false;
    };
  }

  private static boolean isType(AuditEvent event, String code) {
    return AuditEventBuilder.GATEWAY_EVENT_TYPE.equals(event.getType().getSystem())
        && code.equals(event.getType().getCode());
  }

  private static String subtype(AuditEvent event) {
    return event.hasSubtype() ? event.getSubtypeFirstRep().getCode() : null;
  }
}
