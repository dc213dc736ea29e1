package org.cypmh.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.ConsentDecision.Outcome;
import org.cypmh.routes.api.DeliveryPlan;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.ExchangeAudit.AttemptOutcome;
import org.cypmh.routes.api.ExchangeAudit.DeliveryFacts;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Routing facts as the audit records they become: the audit trail is the real class with its
 * storage replaced by a list, so what would be stored is exactly what is asserted.
 */
class RoutingAuditTest {

  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  private final List<AuditEvent> recorded = new ArrayList<>();
  private final RoutingAudit audit =
      new RoutingAudit(
          new AuditTrail(null, null, null, Clock.fixed(NOW, ZoneOffset.UTC)) {
            @Override
            public void record(AuditEvent event) {
              recorded.add(event);
            }
          },
          Clock.fixed(NOW, ZoneOffset.UTC));

  @Nested
  class RoutingDecision {

    @Test
    void namesEachDestinationWithTheRouteAndConsentOutcomeThatChoseIt() {
      audit.routingDecided(
          "referral-accepted",
          "ServiceRequest/ref-1/_history/1",
          "Task/task-1",
          "Patient/yp-1",
          List.of(
              new Plan("crisis", service("camhs-crisis", "CAMHS crisis team"), Outcome.PERMIT),
              new Plan(
                  "eating-disorders",
                  service("vcse-first-steps-ed", "First Steps ED"),
                  Outcome.PERMIT_WITH_REDACTION)));

      AuditEvent event = only();
      assertThat(event.getType().getSystem()).isEqualTo(AuditEventBuilder.GATEWAY_EVENT_TYPE);
      assertThat(event.getType().getCode()).isEqualTo("routing-decision");
      assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("referral-accepted");
      assertThat(event.getAction()).isEqualTo(AuditEventAction.E);
      assertThat(event.getRecorded()).isEqualTo(Date.from(NOW));
      assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._0);
      assertThat(event.getOutcomeDesc()).isEqualTo("2 destination(s)");
      assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
          .isEqualTo("TREAT");
      assertThat(event.getAgent()).hasSize(3);
      assertGateway(event.getAgent().get(0));
      assertRecipient(
          event.getAgent().get(1),
          "camhs-crisis",
          "CAMHS crisis team (route crisis, consent permit)");
      assertRecipient(
          event.getAgent().get(2),
          "vcse-first-steps-ed",
          "First Steps ED (route eating-disorders, consent permit_with_redaction)");
      assertThat(event.getAgent().get(1).hasNetwork()).isFalse();
      assertThat(event.getEntity())
          .extracting(e -> e.getRole().getCode() + " " + e.getWhat().getReference())
          .containsExactly("1 Patient/yp-1", "4 ServiceRequest/ref-1/_history/1", "4 Task/task-1");
    }

    @Test
    void aReferralWithNowhereToGoIsRecordedAsHeldForTriage() {
      audit.routingDecided("referral-accepted", "ServiceRequest/ref-1", null, null, List.of());

      AuditEvent event = only();
      assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._0);
      assertThat(event.getOutcomeDesc()).isEqualTo("no destination: held for manual triage");
      assertThat(event.getAgent()).hasSize(1);
      assertGateway(event.getAgent().get(0));
      assertThat(event.getEntity())
          .extracting(e -> e.getWhat().getReference())
          .containsExactly("ServiceRequest/ref-1");
    }

    @Test
    void aDeniedDestinationIsNamedWithItsDeny() {
      audit.routingDecided(
          "consent-changed",
          "Patient/yp-1",
          null,
          "Patient/yp-1",
          List.of(new Plan("youth-justice", service("yjs", "Youth justice"), Outcome.DENY)));

      AuditEvent event = only();
      assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("consent-changed");
      assertThat(event.getOutcomeDesc()).isEqualTo("1 destination(s)");
      assertThat(event.getAgent().get(1).getWho().getDisplay())
          .isEqualTo("Youth justice (route youth-justice, consent deny)");
    }
  }

  @Nested
  class DeliveryAttempt {

    @Test
    void anAcceptedAttemptIsASuccessfulExportToTheServicesAddress() {
      audit.deliveryAttempted(
          facts(0), AttemptOutcome.ACCEPTED, "201 Created", "https://crisis.example/fhir");

      AuditEvent event = only();
      assertThat(event.getType().getSystem()).isEqualTo(AuditEventBuilder.DICOM);
      assertThat(event.getType().getCode()).isEqualTo("110106");
      assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("delivery-attempt");
      assertThat(event.getAction()).isEqualTo(AuditEventAction.R);
      assertThat(event.getRecorded()).isEqualTo(Date.from(NOW));
      assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._0);
      assertThat(event.getOutcomeDesc()).isEqualTo("201 Created");
      assertThat(event.getAgent()).hasSize(2);
      assertGateway(event.getAgent().get(0));
      AuditEventAgentComponent recipient = event.getAgent().get(1);
      assertRecipient(recipient, "camhs-crisis", "CAMHS crisis team");
      assertThat(recipient.getNetwork().getAddress()).isEqualTo("https://crisis.example/fhir");
      assertThat(recipient.getNetwork().getType()).isEqualTo(AuditEventAgentNetworkType._5);
      assertThat(event.getEntity())
          .extracting(e -> e.getRole().getCode() + " " + e.getWhat().getReference())
          .containsExactly("1 Patient/yp-1", "4 ServiceRequest/ref-1/_history/2", "4 Task/task-1");
      assertThat(details(event.getEntity().get(1)))
          .containsExactly("delivery=41", "consent-rule=implied-consent");
      assertThat(event.getEntity().get(0).getDetail()).isEmpty();
      assertThat(event.getEntity().get(2).getDetail()).isEmpty();
    }

    @Test
    void aFailureWorthRetryingIsASeriousFailure() {
      audit.deliveryAttempted(
          facts(0), AttemptOutcome.FAILED_WILL_RETRY, "503 Service Unavailable", "10.0.0.7");

      AuditEvent event = only();
      assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._8);
      assertThat(event.getOutcomeDesc()).isEqualTo("503 Service Unavailable");
      assertThat(event.getAgent().get(1).getNetwork().getType())
          .isEqualTo(AuditEventAgentNetworkType._2);
    }

    @Test
    void aRefusalIsAMinorFailure() {
      audit.deliveryAttempted(
          facts(0), AttemptOutcome.REFUSED, "422 Unprocessable Entity", "https://x.example");

      assertThat(only().getOutcome()).isEqualTo(AuditEventOutcome._4);
    }

    @Test
    void whatConsentLeftOutIsCountedOnlyWhenSomethingWas() {
      audit.deliveryAttempted(facts(2), AttemptOutcome.ACCEPTED, "200 OK", "https://x.example");
      audit.deliveryAttempted(facts(0), AttemptOutcome.ACCEPTED, "200 OK", "https://x.example");

      assertThat(recorded).hasSize(2);
      assertThat(details(recorded.get(0).getEntity().get(1)))
          .containsExactly("delivery=41", "consent-rule=implied-consent", "left-out=2");
      assertThat(details(recorded.get(1).getEntity().get(1)))
          .containsExactly("delivery=41", "consent-rule=implied-consent");
    }

    @Test
    void aDeliveryWithoutYoungPersonOrTaskNamesOnlyWhatWasDelivered() {
      audit.deliveryAttempted(
          new DeliveryFacts(
              7,
              "camhs-crisis",
              "CAMHS crisis team",
              null,
              "Bundle/msg-1",
              null,
              "break-glass",
              0,
              1),
          AttemptOutcome.ACCEPTED,
          "200 OK",
          "https://x.example");

      AuditEvent event = only();
      assertThat(event.getEntity()).hasSize(1);
      assertThat(event.getEntity().get(0).getWhat().getReference()).isEqualTo("Bundle/msg-1");
      assertThat(details(event.getEntity().get(0)))
          .containsExactly("delivery=7", "consent-rule=break-glass");
    }
  }

  @Test
  void aDeadLetterIsASeriousFailureForAnOperatorToLookAt() {
    audit.deadLettered(facts(1), "no answer after 7 attempts");

    AuditEvent event = only();
    assertThat(event.getType().getCode()).isEqualTo("110106");
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("dead-letter");
    assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._8);
    assertThat(event.getOutcomeDesc()).isEqualTo("no answer after 7 attempts");
    assertThat(event.getAgent()).hasSize(2);
    assertRecipient(event.getAgent().get(1), "camhs-crisis", "CAMHS crisis team");
    assertThat(event.getAgent().get(1).hasNetwork()).isFalse();
    assertThat(details(event.getEntity().get(1)))
        .containsExactly("delivery=41", "consent-rule=implied-consent", "left-out=1");
  }

  private AuditEvent only() {
    assertThat(recorded).hasSize(1);
    return recorded.get(0);
  }

  private static void assertGateway(AuditEventAgentComponent agent) {
    assertThat(agent.getRequestor()).isTrue();
    assertThat(agent.getWho().getDisplay()).isEqualTo("CYPMH gateway");
    assertThat(agent.getRoleFirstRep().getCodingFirstRep().getCode()).isEqualTo("AUT");
  }

  private static void assertRecipient(
      AuditEventAgentComponent agent, String serviceId, String display) {
    assertThat(agent.getRequestor()).isFalse();
    assertThat(agent.getRoleFirstRep().getCodingFirstRep().getCode()).isEqualTo("IRCP");
    assertThat(agent.getWho().getIdentifier().getSystem())
        .isEqualTo(ServiceDirectory.SERVICE_ID_SYSTEM);
    assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(serviceId);
    assertThat(agent.getWho().getDisplay()).isEqualTo(display);
  }

  private static List<String> details(AuditEventEntityComponent entity) {
    return entity.getDetail().stream()
        .map(d -> d.getType() + "=" + d.getValue().primitiveValue())
        .toList();
  }

  private static DeliveryFacts facts(int leftOut) {
    return new DeliveryFacts(
        41,
        "camhs-crisis",
        "CAMHS crisis team",
        "Patient/yp-1",
        "ServiceRequest/ref-1/_history/2",
        "Task/task-1",
        "implied-consent",
        leftOut,
        1);
  }

  private static DirectoryService service(String id, String name) {
    return new DirectoryService(
        id,
        "HealthcareService/" + id,
        name,
        "Organization/trust",
        null,
        Set.of(),
        null,
        null,
        Set.of(),
        Set.of(),
        null);
  }

  private record Plan(String routeId, DirectoryService destination, Outcome outcome)
      implements DeliveryPlan {

    @Override
    public ConsentDecision consent() {
      return new ConsentDecision(outcome, "rule", List.of(), "reason", Set.of(), null);
    }
  }
}
