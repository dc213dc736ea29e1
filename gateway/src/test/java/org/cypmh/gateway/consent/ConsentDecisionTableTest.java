package org.cypmh.gateway.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cypmh.gateway.consent.ConsentProperties.Basis;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.ConsentDecision.Outcome;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The consent policy as a decision table: each row is a young person, their Consents and a
 * recipient, and the exact decision expected. Ages are judged on {@link #TODAY}.
 */
class ConsentDecisionTableTest {

  private static final Instant TODAY = Instant.parse("2026-11-24T12:00:00Z");

  private static final Recipient CAMHS =
      new Recipient(
          "Organization/demo-camhs-trust",
          "RZZ",
          "camhs-young-peoples-team",
          Set.of("camhs-young-peoples-team"),
          "cyp-nhs",
          "CAMHS young people's team");
  private static final Recipient OTHER_CAMHS =
      new Recipient(
          "Organization/other-trust",
          "RXX",
          "other-camhs",
          Set.of("camhs-young-peoples-team"),
          "cyp-nhs",
          "Other CAMHS");
  private static final Recipient CRISIS =
      new Recipient(
          "Organization/demo-camhs-trust",
          "RZZ",
          "camhs-crisis",
          Set.of("camhs-crisis"),
          "cyp-nhs",
          "CAMHS crisis team");
  private static final Recipient GP =
      new Recipient(
          "Organization/riverside-surgery",
          "Y99901",
          null,
          Set.of("gp-practice"),
          "primary-care",
          "Riverside Surgery");
  private static final Recipient VCSE =
      new Recipient(
          "Organization/first-steps-ed",
          "8ZZ02",
          "vcse-first-steps-ed",
          Set.of("vcse-eating-disorders"),
          "vcse",
          "First Steps ED");
  private static final Recipient YOUTH_JUSTICE =
      new Recipient(
          "Organization/northshire-yjs",
          "YJZ01",
          "yjs-liaison",
          Set.of("youth-justice-liaison-diversion"),
          "youth-justice",
          "Youth justice liaison and diversion");
  private static final Recipient MHST =
      new Recipient(
          "Organization/demo-mhst-provider",
          "8ZZ03",
          "mhst-leeds-west",
          Set.of("mhst"),
          "cyp-nhs",
          "Mental health support team");

  private final ConsentRules rules =
      new ConsentRules(
          new ConsentProperties(
              true,
              Map.of(
                  "cyp-nhs", Basis.IMPLIED,
                  "adult-nhs", Basis.IMPLIED,
                  "primary-care", Basis.IMPLIED,
                  "vcse", Basis.EXPLICIT,
                  "youth-justice", Basis.EXPLICIT,
                  "education", Basis.EXPLICIT),
              Map.of("mhst", Basis.EXPLICIT),
              new ConsentProperties.Restricted(
                  Set.of("R", "V"), Set.of("youth-justice-liaison-diversion", "camhs-crisis")),
              new ConsentProperties.BreakGlass(
                  Set.of("safeguarding", "vital-interests"),
                  Set.of("camhs-crisis"),
                  java.time.Duration.ofHours(1)),
              new ConsentProperties.Recording(Set.of("cyp-nhs", "primary-care"))));

  @Nested
  class PolicyWithoutConsents {

    @Test
    void nhsDirectCareReliesOnImpliedConsent() {
      ConsentDecision decision = rules.decide(ask(aged(15), CAMHS), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.rule()).isEqualTo("implied-consent");
      assertThat(decision.consents()).isEmpty();
    }

    @Test
    void gpReliesOnImpliedConsent() {
      assertThat(rules.decide(ask(registeredWithGp(aged(17)), GP), List.of()).rule())
          .isEqualTo("implied-consent");
    }

    @Test
    void vcseWithoutAPermitIsHeldAwaitingConsent() {
      ConsentDecision decision = rules.decide(ask(aged(17), VCSE), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(decision.rule()).isEqualTo(ConsentDecision.EXPLICIT_PERMIT_MISSING);
      assertThat(decision.awaitingConsent()).isTrue();
      assertThat(decision.reason()).startsWith("awaiting consent: First Steps ED needs");
    }

    @Test
    void youthJusticeAndSchoolTeamsNeedAnExplicitPermit() {
      assertThat(rules.decide(ask(aged(15), YOUTH_JUSTICE), List.of()).awaitingConsent()).isTrue();
      assertThat(rules.decide(ask(aged(15), MHST), List.of()).awaitingConsent()).isTrue();
    }

    @Test
    void aRecipientOfUnknownSectorNeedsAnExplicitPermit() {
      Recipient unknown = new Recipient(null, "ABC12", null, Set.of(), null, "organisation ABC12");
      assertThat(rules.decide(ask(aged(17), unknown), List.of()).awaitingConsent()).isTrue();
    }
  }

  @Nested
  class ExplicitPermits {

    @Test
    void aSixteenYearOldsOwnPermitLetsVcseReceive() {
      Consent permit = consent("c1", byYoungPerson(), permit(actorOds("8ZZ02")));

      ConsentDecision decision = rules.decide(ask(aged(16), VCSE), List.of(permit));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.rule()).isEqualTo("consent-permit");
      assertThat(decision.consents()).containsExactly("Consent/c1/_history/1");
      assertThat(decision.reason())
          .isEqualTo(
              "permitted: Consent/c1/_history/1 (the young person) permits sharing with First"
                  + " Steps ED");
    }

    @Test
    void aPermitForAServiceTypeCoversEveryServiceOfThatType() {
      Consent permit =
          consent(
              "c1",
              byYoungPerson(),
              permit(
                  actorIdentifier(
                      TerminologyContent.SERVICE_TYPE_SYSTEM, "vcse-eating-disorders")));

      assertThat(rules.decide(ask(aged(17), VCSE), List.of(permit)).outcome())
          .isEqualTo(Outcome.PERMIT);
    }

    @Test
    void aPermitForAnotherOrganisationLeavesVcseWaiting() {
      Consent permit = consent("c1", byYoungPerson(), permit(actorOds("RZZ")));

      assertThat(rules.decide(ask(aged(17), VCSE), List.of(permit)).awaitingConsent()).isTrue();
    }

    @Test
    void aPermitForAnotherPurposeDoesNotCount() {
      ProvisionComponent provision = permit(actorOds("8ZZ02"));
      provision.addPurpose(
          new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HRESCH", null));
      Consent research = consent("c1", byYoungPerson(), provision);

      assertThat(rules.decide(ask(aged(17), VCSE), List.of(research)).awaitingConsent()).isTrue();
    }
  }

  @Nested
  class Denials {

    @Test
    void aDenyForOneOrganisationStopsOnlyThatOrganisation() {
      Consent deny = consent("c1", byYoungPerson(), deny(actorOds("RZZ")));

      ConsentDecision toCamhs = rules.decide(ask(aged(17), CAMHS), List.of(deny));
      ConsentDecision toOtherCamhs = rules.decide(ask(aged(17), OTHER_CAMHS), List.of(deny));

      assertThat(toCamhs.outcome()).isEqualTo(Outcome.DENY);
      assertThat(toCamhs.rule()).isEqualTo("consent-deny");
      assertThat(toCamhs.awaitingConsent()).isFalse();
      assertThat(toCamhs.consents()).containsExactly("Consent/c1/_history/1");
      assertThat(toOtherCamhs.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(toOtherCamhs.rule()).isEqualTo("implied-consent");
    }

    @Test
    void nestedProvisionsPermitCamhsAndGpAndDenyEveryoneElse() {
      ProvisionComponent root = new ProvisionComponent().setType(ConsentProvisionType.DENY);
      root.addProvision(permit(actorOds("RZZ")));
      root.addProvision(permit(actorOds("Y99901")));
      Consent consent = consent("c1", byYoungPerson(), root);

      assertThat(rules.decide(ask(aged(17), CAMHS), List.of(consent)).outcome())
          .isEqualTo(Outcome.PERMIT);
      assertThat(rules.decide(ask(registeredWithGp(aged(17)), GP), List.of(consent)).outcome())
          .isEqualTo(Outcome.PERMIT);
      assertThat(rules.decide(ask(aged(17), YOUTH_JUSTICE), List.of(consent)).rule())
          .isEqualTo("consent-deny");
    }

    @Test
    void aNewerDenyWithdrawsAnOlderPermit() {
      Consent permit =
          dated(consent("c1", byYoungPerson(), permit(actorOds("8ZZ02"))), "2026-10-01T10:00:00Z");
      Consent deny =
          dated(consent("c2", byYoungPerson(), deny(actorOds("8ZZ02"))), "2026-11-20T10:00:00Z");

      ConsentDecision decision = rules.decide(ask(aged(17), VCSE), List.of(permit, deny));

      assertThat(decision.rule()).isEqualTo("consent-deny");
      assertThat(decision.consents()).containsExactly("Consent/c2/_history/1");
    }

    @Test
    void aDenyGivenAtTheSameMomentAsAPermitWins() {
      Consent permit = consent("c1", byYoungPerson(), permit(actorOds("8ZZ02")));
      Consent deny = consent("c2", byYoungPerson(), deny(actorOds("8ZZ02")));

      assertThat(rules.decide(ask(aged(17), VCSE), List.of(permit, deny)).rule())
          .isEqualTo("consent-deny");
      assertThat(rules.decide(ask(aged(17), VCSE), List.of(deny, permit)).rule())
          .isEqualTo("consent-deny");
    }

    @Test
    void anInactiveConsentNoLongerPermits() {
      Consent withdrawn = consent("c1", byYoungPerson(), permit(actorOds("8ZZ02")));
      withdrawn.setStatus(ConsentState.INACTIVE);

      assertThat(rules.decide(ask(aged(17), VCSE), List.of(withdrawn)).awaitingConsent()).isTrue();
    }

    @Test
    void anExpiredPermitNoLongerCountsAndTheReasonSaysSo() {
      ProvisionComponent expired = permit(actorOds("8ZZ02"));
      expired.setPeriod(
          new Period()
              .setStartElement(new DateTimeType("2025-11-01"))
              .setEndElement(new DateTimeType("2026-10-31")));
      Consent consent = consent("c1", byYoungPerson(), expired);

      ConsentDecision decision = rules.decide(ask(aged(17), VCSE), List.of(consent));

      assertThat(decision.awaitingConsent()).isTrue();
      assertThat(decision.reason()).contains("Consent/c1/_history/1 ended on 2026-10-31");
    }
  }

  @Nested
  class AgeAndCompetence {

    @Test
    void underSixteenAParentsPermitCounts() {
      Consent permit = consent("c1", byParent(), permit(actorOds("8ZZ02")));

      ConsentDecision decision = rules.decide(ask(aged(14), VCSE), List.of(permit));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.reason()).contains("(a parent or guardian) permits");
    }

    @Test
    void underSixteenTheYoungPersonsOwnPermitNeedsAGillickAssessment() {
      Consent withoutAssessment = consent("c1", byYoungPerson(), permit(actorOds("8ZZ02")));

      ConsentDecision decision = rules.decide(ask(aged(14), VCSE), List.of(withoutAssessment));

      assertThat(decision.awaitingConsent()).isTrue();
      assertThat(decision.reason())
          .contains(
              "Consent/c1/_history/1 does not count: the young person is under 16 and no Gillick"
                  + " competence assessment is recorded");
    }

    @Test
    void underSixteenAGillickCompetentYoungPersonsPermitCounts() {
      Consent permit = gillick(consent("c1", byYoungPerson(), permit(actorOds("8ZZ02"))), true);

      ConsentDecision decision = rules.decide(ask(aged(14), VCSE), List.of(permit));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.reason()).contains("(the young person) permits");
    }

    @Test
    void anAssessmentThatFoundTheYoungPersonNotCompetentDoesNotCount() {
      Consent permit = gillick(consent("c1", byYoungPerson(), permit(actorOds("8ZZ02"))), false);

      assertThat(rules.decide(ask(aged(14), VCSE), List.of(permit)).awaitingConsent()).isTrue();
    }

    @Test
    void aSixteenYearOldsRefusalStandsOverANewerParentalPermit() {
      Consent refusal =
          dated(consent("c1", byYoungPerson(), deny(actorOds("8ZZ02"))), "2026-10-01T10:00:00Z");
      Consent parentPermit =
          dated(consent("c2", byParent(), permit(actorOds("8ZZ02"))), "2026-11-20T10:00:00Z");

      ConsentDecision decision = rules.decide(ask(aged(16), VCSE), List.of(refusal, parentPermit));

      assertThat(decision.rule()).isEqualTo("consent-deny");
      assertThat(decision.consents()).containsExactly("Consent/c1/_history/1");
      assertThat(decision.reason())
          .contains(
              "Consent/c2/_history/1 does not count: a parent's decision does not count from 16");
    }

    @Test
    void ageIsJudgedOnTheDecisionDate() {
      Consent parentPermit = consent("c1", byParent(), permit(actorOds("8ZZ02")));
      Patient sixteenToday = bornOn("2010-11-24");
      Patient sixteenTomorrow = bornOn("2010-11-25");

      assertThat(rules.decide(ask(sixteenToday, VCSE), List.of(parentPermit)).awaitingConsent())
          .isTrue();
      assertThat(rules.decide(ask(sixteenTomorrow, VCSE), List.of(parentPermit)).outcome())
          .isEqualTo(Outcome.PERMIT);
    }
  }

  @Nested
  class RestrictedData {

    @Test
    void restrictedSupportingInfoIsLeftOutForServicesNotCleared() {
      ConsentDecision decision =
          rules.decide(ask(aged(15), CAMHS, Set.of(), Set.of("R"), null), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT_WITH_REDACTION);
      assertThat(decision.withheldLabels()).containsExactly("R");
      assertThat(decision.reason()).endsWith("; resources labelled R are left out");
    }

    @Test
    void clearedServicesReceiveRestrictedSupportingInfo() {
      Consent permit = consent("c1", byParent(), permit(actorOds("YJZ01")));

      ConsentDecision decision =
          rules.decide(ask(aged(15), YOUTH_JUSTICE, Set.of(), Set.of("R"), null), List.of(permit));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.withheldLabels()).isEmpty();
    }

    @Test
    void aConsentCanDenyRestrictedDataToACleredService() {
      ProvisionComponent root = permit(actorOds("RZZ"));
      root.addProvision(
          new ProvisionComponent()
              .setType(ConsentProvisionType.DENY)
              .addSecurityLabel(
                  new Coding(
                      "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R", null)));
      Consent consent = consent("c1", byYoungPerson(), root);

      ConsentDecision decision =
          rules.decide(ask(aged(17), CRISIS, Set.of(), Set.of("R"), null), List.of(consent));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT_WITH_REDACTION);
      assertThat(decision.withheldLabels()).containsExactly("R");
    }

    @Test
    void aRestrictedReferralGoesNowhereUncleared() {
      ConsentDecision decision =
          rules.decide(ask(aged(15), CAMHS, Set.of("R"), Set.of(), null), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(decision.rule()).isEqualTo("restricted-not-cleared");
    }
  }

  @Nested
  class GpRegistration {

    @Test
    void aGpPracticeReceivesWhatIsAboutItsRegisteredPatientsByOdsCode() {
      ConsentDecision decision = rules.decide(ask(registeredWithGp(aged(17)), GP), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.rule()).isEqualTo("implied-consent");
    }

    @Test
    void aGpPracticeNamedByOrganizationReferenceIsTheirs() {
      Patient patient = aged(17);
      patient.addGeneralPractitioner(new Reference("Organization/riverside-surgery"));

      assertThat(rules.decide(ask(patient, GP), List.of()).rule()).isEqualTo("implied-consent");
    }

    @Test
    void aPractitionerRoleOfThePracticeCountsOnceResolvedToItsOdsCode() {
      Patient patient = aged(17);
      patient.addGeneralPractitioner(new Reference("PractitionerRole/dr-jones-at-riverside"));

      assertThat(rules.decide(ask(patient, GP), List.of()).rule())
          .as("the role alone names no practice")
          .isEqualTo("not-registered-with-practice");
      assertThat(rules.decide(ask(patient, GP), List.of(), Set.of("Y99901")).rule())
          .isEqualTo("implied-consent");
    }

    @Test
    void aGpPracticeGetsNothingAboutAYoungPersonRegisteredElsewhere() {
      Patient patient = aged(17);
      patient.addGeneralPractitioner(
          new Reference()
              .setIdentifier(
                  new Identifier()
                      .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                      .setValue("B86001")));

      ConsentDecision decision = rules.decide(ask(patient, GP), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(decision.rule()).isEqualTo("not-registered-with-practice");
      assertThat(decision.consents()).isEmpty();
      assertThat(decision.reason())
          .isEqualTo(
              "not shared: Riverside Surgery is a GP practice and the young person is not"
                  + " registered with it");
    }

    @Test
    void aGpPracticeGetsNothingAboutAYoungPersonWithNoGpRecorded() {
      assertThat(rules.decide(ask(aged(17), GP), List.of()).rule())
          .isEqualTo("not-registered-with-practice");
    }

    @Test
    void aConsentPermittingAPracticeDoesNotMakeItTheirGp() {
      Consent consent = consent("c1", byYoungPerson(), permit(actorOds("Y99901")));

      assertThat(rules.decide(ask(aged(17), GP), List.of(consent)).rule())
          .isEqualTo("not-registered-with-practice");
    }

    @Test
    void theirOwnGpIsStillRefusedWhenTheyDenyIt() {
      Consent consent = consent("c1", byYoungPerson(), deny(actorOds("Y99901")));

      assertThat(rules.decide(ask(registeredWithGp(aged(17)), GP), List.of(consent)).rule())
          .isEqualTo("consent-deny");
    }

    @Test
    void otherServicesDoNotNeedARegistration() {
      assertThat(rules.decide(ask(aged(17), CAMHS), List.of()).rule()).isEqualTo("implied-consent");
    }
  }

  @Nested
  class BreakGlass {

    @Test
    void safeguardingBreakGlassReachesTheCrisisTeamDespiteADeny() {
      Consent deny = consent("c1", byYoungPerson(), deny(actorOds("RZZ")));

      ConsentDecision decision =
          rules.decide(ask(aged(17), CRISIS, Set.of(), Set.of(), "safeguarding"), List.of(deny));

      assertThat(decision.outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(decision.rule()).isEqualTo("break-glass");
      assertThat(decision.breakGlass()).isEqualTo("safeguarding");
    }

    @Test
    void breakGlassIsRefusedForServicesThatAreNotCrisisServices() {
      ConsentDecision decision =
          rules.decide(ask(aged(17), VCSE, Set.of(), Set.of(), "safeguarding"), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(decision.breakGlass()).isNull();
      assertThat(decision.reason())
          .contains("break-glass refused: First Steps ED is not a crisis or safeguarding service");
    }

    @Test
    void aReaderMayBreakGlassOnlyWithAConfiguredReasonAndACrisisService() {
      assertThat(rules.breakGlassRefusal(CRISIS, "safeguarding")).isNull();
      assertThat(rules.breakGlassRefusal(CRISIS, null))
          .isEqualTo("a break-glass reason is required (one of: safeguarding, vital-interests)");
      assertThat(rules.breakGlassRefusal(CRISIS, "curiosity"))
          .isEqualTo("'curiosity' is not an accepted break-glass reason");
      assertThat(rules.breakGlassRefusal(MHST, "safeguarding"))
          .isEqualTo("Mental health support team is not a crisis or safeguarding service");
    }

    @Test
    void breakGlassReadsStillNeedClearanceForRestrictedData() {
      Recipient crisisNotCleared =
          new Recipient(
              "Organization/adult-trust",
              "RAA",
              "adult-crisis",
              Set.of("adult-crisis"),
              "adult-nhs",
              "Adult crisis team");
      ConsentRules adultCrisisToo =
          new ConsentRules(
              new ConsentProperties(
                  true,
                  Map.of("adult-nhs", Basis.IMPLIED),
                  Map.of(),
                  new ConsentProperties.Restricted(Set.of("R"), Set.of("camhs-crisis")),
                  new ConsentProperties.BreakGlass(
                      Set.of("safeguarding"),
                      Set.of("adult-crisis"),
                      java.time.Duration.ofHours(1)),
                  new ConsentProperties.Recording(Set.of("cyp-nhs", "primary-care"))));

      ConsentDecision decision =
          adultCrisisToo.decide(
              ask(aged(17), crisisNotCleared, Set.of("R"), Set.of(), "safeguarding"), List.of());

      assertThat(decision.outcome()).isEqualTo(Outcome.DENY);
      assertThat(decision.rule()).isEqualTo("restricted-not-cleared");
    }

    @Test
    void breakGlassNeedsAnAcceptedReason() {
      Consent deny = consent("c1", byYoungPerson(), deny(actorOds("RZZ")));

      ConsentDecision decision =
          rules.decide(ask(aged(17), CRISIS, Set.of(), Set.of(), "curiosity"), List.of(deny));

      assertThat(decision.rule()).isEqualTo("consent-deny");
      assertThat(decision.reason())
          .contains("break-glass refused: 'curiosity' is not an accepted break-glass reason");
    }
  }

  private static ConsentQuestion ask(Patient patient, Recipient recipient) {
    return ask(patient, recipient, Set.of(), Set.of(), null);
  }

  private static ConsentQuestion ask(
      Patient patient,
      Recipient recipient,
      Set<String> labels,
      Set<String> separableLabels,
      String breakGlass) {
    return new ConsentQuestion(
        patient,
        "Patient/yp",
        recipient,
        ConsentQuestion.TREATMENT,
        "ServiceRequest",
        labels,
        separableLabels,
        TODAY,
        breakGlass);
  }

  private static Patient aged(int years) {
    return bornOn(LocalDate.of(2026, 6, 1).minusYears(years).toString());
  }

  private static Patient registeredWithGp(Patient patient) {
    patient.addGeneralPractitioner(
        new Reference()
            .setType("Organization")
            .setIdentifier(
                new Identifier()
                    .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                    .setValue("Y99901")));
    return patient;
  }

  private static Patient bornOn(String date) {
    Patient patient = new Patient();
    patient.setId("Patient/yp");
    patient.setBirthDateElement(new DateType(date));
    return patient;
  }

  private static Consent consent(String id, Reference performer, ProvisionComponent provision) {
    Consent consent = new Consent();
    consent.setId("Consent/" + id + "/_history/1");
    consent.setStatus(ConsentState.ACTIVE);
    consent.setPatient(new Reference("Patient/yp"));
    consent.setDateTime(Date.from(TODAY.minusSeconds(86_400)));
    consent.addPerformer(performer);
    consent.setProvision(provision);
    return consent;
  }

  private static Consent dated(Consent consent, String when) {
    consent.setDateTime(Date.from(Instant.parse(when)));
    return consent;
  }

  private static Consent gillick(Consent consent, boolean competent) {
    Extension assessment =
        consent.addExtension().setUrl(ConformancePackage.GILLICK_COMPETENCE_EXTENSION);
    assessment.addExtension("competent", new BooleanType(competent));
    assessment.addExtension("assessedOn", new DateTimeType("2026-11-18T10:00:00+00:00"));
    return consent;
  }

  private static Reference byYoungPerson() {
    return new Reference("Patient/yp");
  }

  private static Reference byParent() {
    return new Reference("RelatedPerson/mother");
  }

  private static ProvisionComponent permit(Reference actor) {
    ProvisionComponent provision = new ProvisionComponent().setType(ConsentProvisionType.PERMIT);
    provision.addActor().setReference(actor);
    return provision;
  }

  private static ProvisionComponent deny(Reference actor) {
    ProvisionComponent provision = new ProvisionComponent().setType(ConsentProvisionType.DENY);
    provision.addActor().setReference(actor);
    return provision;
  }

  private static Reference actorOds(String ods) {
    return actorIdentifier(ConformancePackage.ODS_ORGANIZATION_SYSTEM, ods);
  }

  private static Reference actorIdentifier(String system, String value) {
    return new Reference().setIdentifier(new Identifier().setSystem(system).setValue(value));
  }
}
