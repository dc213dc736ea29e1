package org.cypmh.gateway.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOperationStatusEnum;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cypmh.gateway.consent.ConsentProperties.Basis;
import org.cypmh.gateway.fhir.Caller;
import org.cypmh.gateway.fhir.TestOrganisationReferences;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.ConsentDecision.Outcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * What a partner's read may see, decided by the real consent service and policy over stand-ins for
 * storage: the directory, the young people's Consents, the decision log and break-glass uses.
 * Requests are HAPI's own request objects, as the consent interceptor passes them.
 */
class ReadConsentTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final String REQUEST_ID = "req-1";
  private static final String PATH = "Patient/yp-1";

  private static final Recipient CRISIS =
      new Recipient(
          "Organization/demo-camhs-trust",
          "RZZ",
          null,
          Set.of("camhs-crisis"),
          "cyp-nhs",
          "Demo CAMHS trust");
  private static final Recipient CAMHS =
      new Recipient(
          "Organization/other-trust",
          "RXX",
          null,
          Set.of("camhs-young-peoples-team"),
          "cyp-nhs",
          "Other CAMHS trust");
  private static final Recipient VCSE =
      new Recipient(
          "Organization/first-steps-ed",
          "8ZZ02",
          null,
          Set.of("vcse-eating-disorders"),
          "vcse",
          "First Steps ED");

  private static final ConsentProperties POLICY =
      new ConsentProperties(
          true,
          Map.of("cyp-nhs", Basis.IMPLIED, "primary-care", Basis.IMPLIED, "vcse", Basis.EXPLICIT),
          Map.of(),
          new ConsentProperties.Restricted(Set.of("R", "V"), Set.of("camhs-crisis")),
          new ConsentProperties.BreakGlass(
              Set.of("safeguarding", "vital-interests"),
              Set.of("camhs-crisis"),
              Duration.ofHours(1)),
          new ConsentProperties.Recording(Set.of("cyp-nhs", "primary-care")));

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final Map<String, Patient> stored = new HashMap<>();
  private final Map<String, List<Consent>> consents = new HashMap<>();
  private final Map<String, BreakGlassUse> grants = new HashMap<>();
  private final List<String> grantLookups = new ArrayList<>();
  private final List<String> opened = new ArrayList<>();
  private final List<Logged> logged = new ArrayList<>();

  private final ReadConsent readConsent =
      new ReadConsent(
          new ConsentService(
              new PatientConsents(null) {
                @Override
                List<Consent> of(String patientId, Patient patient) {
                  return consents.getOrDefault(patientId, List.of());
                }
              },
              new GpRegistrations(null) {
                @Override
                Set<String> practicesOf(Patient patient) {
                  return Set.of();
                }
              },
              POLICY),
          new Recipients(null, null, null) {
            @Override
            public Optional<Recipient> byOdsCode(String odsCode) {
              return Optional.ofNullable(
                  Map.of("RZZ", CRISIS, "RXX", CAMHS, "8ZZ02", VCSE).get(odsCode));
            }
          },
          new ConsentDecisionLog(null, clock) {
            @Override
            public void record(
                ConsentQuestion question,
                ConsentDecision decision,
                String context,
                String subject,
                String correlation) {
              logged.add(new Logged(question, decision, context, subject, correlation));
            }
          },
          new BreakGlassUses(null, POLICY, clock) {
            @Override
            Optional<BreakGlassUse> grant(String odsCode, String patient) {
              grantLookups.add(odsCode + " " + patient);
              return Optional.ofNullable(grants.get(odsCode + " " + patient));
            }

            @Override
            BreakGlassUse open(
                Recipient partner,
                String patient,
                String reason,
                String justification,
                String requestId) {
              opened.add(
                  String.join(" | ", partner.odsCode(), patient, reason, justification, requestId));
              return null;
            }
          },
          patientStore(),
          FHIR,
          TestOrganisationReferences.over(null),
          clock);

  @Nested
  class WhoIsFiltered {

    @Test
    void theGatewaysOwnRequestsAreNotFiltered() {
      assertThat(readConsent.startOperation(new SystemRequestDetails(), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.AUTHORIZED);
    }

    @Test
    void theOperatorIsNotFilteredAndSeesEverything() {
      ServletRequestDetails request = request(null, RestOperationTypeEnum.READ);

      assertThat(readConsent.startOperation(request, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.AUTHORIZED);
      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      assertThat(logged).isEmpty();
    }

    @Test
    void aCallerThatIsNotAnOdsCodeIsRefused() {
      ServletRequestDetails request = request("not an ODS code", RestOperationTypeEnum.READ);

      InvalidRequestException refused =
          catchThrowableOfType(
              () -> readConsent.startOperation(request, null), InvalidRequestException.class);

      assertThat(refused.getMessage())
          .isEqualTo(
              "NHSD-End-User-Organisation-ODS must be the calling"
                  + " organisation's ODS code (letters and digits)");
    }

    @Test
    void aPartnersWriteIsNotFiltered() {
      ServletRequestDetails request = request("8ZZ02", RestOperationTypeEnum.CREATE);

      assertThat(readConsent.startOperation(request, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.AUTHORIZED);
      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
    }

    @Test
    void aPartnersReadSearchAndEverythingAreFiltered() {
      assertThat(
              readConsent
                  .startOperation(request("8ZZ02", RestOperationTypeEnum.SEARCH_TYPE), null)
                  .getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      ServletRequestDetails everything =
          request("8ZZ02", RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);
      everything.setOperation("$everything");
      assertThat(readConsent.startOperation(everything, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      ServletRequestDetails validate =
          request("8ZZ02", RestOperationTypeEnum.EXTENDED_OPERATION_TYPE);
      validate.setOperation("$validate");
      assertThat(readConsent.startOperation(validate, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.AUTHORIZED);
    }

    @Test
    void aPartnersTransactionMayNotReadInsideIt() {
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.TRANSACTION);
      Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
      transaction.addEntry().getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
      transaction.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient?name=x");
      request.setResource(transaction);

      ForbiddenOperationException refused =
          catchThrowableOfType(
              () -> readConsent.startOperation(request, null), ForbiddenOperationException.class);

      assertThat(refused.getMessage())
          .isEqualTo(
              "Reads inside a transaction or batch Bundle are not allowed for"
                  + " partners: search or read each resource, so that consent applies to what is"
                  + " returned. Nothing was written.");
      transaction.getEntry().remove(1);
      assertThat(readConsent.startOperation(request, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.AUTHORIZED);
    }
  }

  @Nested
  class WhatAReadSees {

    @Test
    void nhsDirectCareSeesTheYoungPersonAndTheDecisionIsLoggedWhenTheReadEnds() {
      ServletRequestDetails request = startRead("RXX");

      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      assertThat(logged).isEmpty();

      readConsent.completeOperationSuccess(request, null);

      assertThat(logged).hasSize(1);
      Logged entry = logged.get(0);
      assertThat(entry.decision().outcome()).isEqualTo(Outcome.PERMIT);
      assertThat(entry.decision().rule()).isEqualTo("implied-consent");
      assertThat(entry.question().recipient()).isEqualTo(CAMHS);
      assertThat(entry.question().patientId()).isEqualTo("Patient/yp-1");
      assertThat(entry.question().resourceType()).isEqualTo("Patient");
      assertThat(entry.question().at()).isEqualTo(NOW);
      assertThat(entry.question().breakGlassReason()).isNull();
      assertThat(entry.context()).isEqualTo("read");
      assertThat(entry.subject()).isEqualTo(PATH);
      assertThat(entry.correlation()).isEqualTo(REQUEST_ID);
    }

    @Test
    void aServiceNeedingExplicitConsentDoesNotSeeTheYoungPersonWithoutIt() {
      ServletRequestDetails request = startRead("8ZZ02");

      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.REJECT);
      readConsent.completeOperationFailure(request, null, null);

      assertThat(logged)
          .extracting(l -> l.decision().rule())
          .containsExactly(ConsentDecision.EXPLICIT_PERMIT_MISSING);
      assertThat(grantLookups).as("VCSE may not break glass: no grant looked up").isEmpty();
    }

    @Test
    void anOrganisationNotInTheDirectoryIsAskedAboutByItsOdsCode() {
      ServletRequestDetails request = startRead("ABC12");

      readConsent.canSeeResource(request, youngPerson("yp-1"), null);
      readConsent.completeOperationSuccess(request, null);

      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).question().recipient())
          .isEqualTo(
              new Recipient(
                  null,
                  "ABC12",
                  null,
                  Set.of(),
                  null,
                  "organisation ABC12 (not in the directory)"));
    }

    @Test
    void restrictedDataIsHiddenFromServicesNotClearedForIt() {
      stored.put("Patient/yp-1", youngPerson("yp-1"));
      Observation restricted = observation("obs-1", "yp-1");
      restricted.getMeta().addSecurity(CONFIDENTIALITY, "R", null);

      ServletRequestDetails camhs = startRead("RXX");
      assertThat(readConsent.canSeeResource(camhs, restricted, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.REJECT);
      ServletRequestDetails crisis = startRead("RZZ");
      assertThat(readConsent.canSeeResource(crisis, restricted, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      assertThat(readConsent.canSeeResource(camhs, observation("obs-2", "yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);

      readConsent.completeOperationSuccess(camhs, null);
      assertThat(logged)
          .extracting(l -> l.decision().rule())
          .containsExactly("restricted-not-cleared", "implied-consent");
      assertThat(logged.get(0).question().labels()).containsExactly("R");
      assertThat(logged.get(0).question().resourceType()).isEqualTo("Observation");
    }

    @Test
    void aYoungPersonsDecisionIsLoggedOncePerRuleHoweverManyResourcesItDecided() {
      stored.put("Patient/yp-1", youngPerson("yp-1"));
      ServletRequestDetails request = startRead("RXX");

      readConsent.canSeeResource(request, youngPerson("yp-1"), null);
      readConsent.canSeeResource(request, observation("obs-1", "yp-1"), null);
      readConsent.canSeeResource(request, observation("obs-2", "yp-1"), null);
      readConsent.completeOperationSuccess(request, null);
      readConsent.completeOperationSuccess(request, null);

      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).question().resourceType()).isEqualTo("Patient");
    }

    @Test
    void theReferrerSeesItsOwnReferralWithoutAConsentDecision() {
      ServletRequestDetails request = startRead("8ZZ02");
      ServiceRequest own = referral("yp-1", "8ZZ02");

      assertThat(readConsent.canSeeResource(request, own, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      readConsent.completeOperationSuccess(request, null);
      assertThat(logged).isEmpty();
    }

    @Test
    void someoneElsesReferralIsDecidedLikeAnyRecord() {
      stored.put("Patient/yp-1", youngPerson("yp-1"));
      ServletRequestDetails request = startRead("8ZZ02");

      assertThat(readConsent.canSeeResource(request, referral("yp-1", "B86001"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.REJECT);
    }

    @Test
    void aResourceAboutNoYoungPersonIsNotFiltered() {
      ServletRequestDetails request = startRead("8ZZ02");

      assertThat(
              readConsent
                  .canSeeResource(request, new Organization().setName("A trust"), null)
                  .getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      readConsent.completeOperationSuccess(request, null);
      assertThat(logged).isEmpty();
    }
  }

  @Nested
  class BreakGlass {

    @Test
    void aReasonThatIsNotAcceptedIsRefusedWith403AndRecorded() {
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.READ);
      header(request, ReadConsent.BREAK_GLASS_REASON_HEADER, " curiosity ");

      ForbiddenOperationException refused = refused(request);

      assertThat(refused.getStatusCode()).isEqualTo(403);
      assertThat(refused.getMessage())
          .isEqualTo("Break-glass refused: 'curiosity' is not an accepted" + " break-glass reason");
      OperationOutcome.OperationOutcomeIssueComponent issue =
          ((OperationOutcome) refused.getOperationOutcome()).getIssueFirstRep();
      assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
      assertThat(issue.getCode()).isEqualTo(OperationOutcome.IssueType.FORBIDDEN);
      assertThat(issue.getDiagnostics())
          .isEqualTo(
              "Break-glass refused: 'curiosity' is not an accepted break-glass reason. Nothing was"
                  + " read.");
      assertThat(logged).hasSize(1);
      Logged entry = logged.get(0);
      assertThat(entry.decision().outcome()).isEqualTo(Outcome.DENY);
      assertThat(entry.decision().rule()).isEqualTo("break-glass-refused");
      assertThat(entry.decision().reason())
          .isEqualTo("break-glass read refused: 'curiosity' is not an accepted break-glass reason");
      assertThat(entry.question().breakGlassReason()).isEqualTo("curiosity");
      assertThat(entry.question().recipient()).isEqualTo(CRISIS);
      assertThat(entry.question().patientId()).isNull();
      assertThat(entry.question().resourceType()).isEqualTo("Patient");
      assertThat(entry.subject()).isEqualTo(PATH);
      assertThat(entry.correlation()).isEqualTo(REQUEST_ID);
    }

    @Test
    void aJustificationWithoutAReasonIsRefusedAndRecordedAsNoneGiven() {
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.READ);
      header(request, ReadConsent.BREAK_GLASS_JUSTIFICATION_HEADER, "worried about her");

      ForbiddenOperationException refused = refused(request);

      assertThat(refused.getMessage())
          .isEqualTo(
              "Break-glass refused: a break-glass reason is required (one of:"
                  + " safeguarding, vital-interests)");
      assertThat(logged.get(0).question().breakGlassReason()).isEqualTo("none-given");
    }

    @Test
    void aServiceThatIsNotCrisisOrSafeguardingMayNotBreakGlass() {
      ServletRequestDetails request = request("8ZZ02", RestOperationTypeEnum.SEARCH_TYPE);
      header(request, ReadConsent.BREAK_GLASS_REASON_HEADER, "safeguarding");

      assertThat(refused(request).getMessage())
          .isEqualTo(
              "Break-glass refused: First Steps ED is not a crisis or" + " safeguarding service");
      assertThat(logged.get(0).question().recipient()).isEqualTo(VCSE);
    }

    @Test
    void aLongRefusedReasonIsRecordedCutToFortyCharacters() {
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.READ);
      header(request, ReadConsent.BREAK_GLASS_REASON_HEADER, "x".repeat(100));

      refused(request);

      assertThat(logged.get(0).question().breakGlassReason()).isEqualTo("x".repeat(40));
    }

    @Test
    void anAcceptedReasonOpensTheFirstYoungPersonDecidedAndOnlyThem() {
      deniedByYoungPerson("yp-1", "RZZ");
      deniedByYoungPerson("yp-2", "RZZ");
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.SEARCH_TYPE);
      header(request, ReadConsent.BREAK_GLASS_REASON_HEADER, "safeguarding");
      header(request, ReadConsent.BREAK_GLASS_JUSTIFICATION_HEADER, "disclosure at school");

      assertThat(readConsent.startOperation(request, null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      assertThat(readConsent.canSeeResource(request, youngPerson("yp-2"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.REJECT);
      readConsent.completeOperationSuccess(request, null);

      assertThat(opened)
          .containsExactly("RZZ | Patient/yp-1 | safeguarding | disclosure at school | req-1");
      assertThat(logged)
          .extracting(l -> l.question().patientId() + " " + l.decision().rule())
          .containsExactly("Patient/yp-1 break-glass", "Patient/yp-2 consent-deny");
      assertThat(logged.get(0).decision().breakGlass()).isEqualTo("safeguarding");
      assertThat(grantLookups).containsExactly("RZZ Patient/yp-2");
    }

    @Test
    void aFailedReadOpensNothing() {
      deniedByYoungPerson("yp-1", "RZZ");
      ServletRequestDetails request = request("RZZ", RestOperationTypeEnum.READ);
      header(request, ReadConsent.BREAK_GLASS_REASON_HEADER, "vital-interests");
      readConsent.startOperation(request, null);
      readConsent.canSeeResource(request, youngPerson("yp-1"), null);

      readConsent.completeOperationFailure(request, null, null);

      assertThat(opened).isEmpty();
      assertThat(logged).extracting(l -> l.decision().rule()).containsExactly("break-glass");
    }

    @Test
    void anOpenUseLetsTheSamePartnerReadTheYoungPersonWithoutAskingAgain() {
      deniedByYoungPerson("yp-1", "RZZ");
      grants.put(
          "RZZ Patient/yp-1",
          new BreakGlassUse(
              CRISIS,
              "Patient/yp-1",
              "vital-interests",
              "overdose",
              "req-0",
              NOW.minusSeconds(600),
              Duration.ofHours(1)));
      ServletRequestDetails request = startRead("RZZ");

      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.PROCEED);
      readConsent.canSeeResource(request, youngPerson("yp-1"), null);
      readConsent.completeOperationSuccess(request, null);

      assertThat(grantLookups).containsExactly("RZZ Patient/yp-1");
      assertThat(logged.get(0).decision().rule()).isEqualTo("break-glass");
      assertThat(logged.get(0).decision().breakGlass()).isEqualTo("vital-interests");
      assertThat(opened).as("no new use is opened").isEmpty();
    }

    @Test
    void withoutAnOpenUseTheYoungPersonsRefusalStands() {
      deniedByYoungPerson("yp-1", "RZZ");
      ServletRequestDetails request = startRead("RZZ");

      assertThat(readConsent.canSeeResource(request, youngPerson("yp-1"), null).getStatus())
          .isEqualTo(ConsentOperationStatusEnum.REJECT);
      assertThat(grantLookups).containsExactly("RZZ Patient/yp-1");
    }

    private ForbiddenOperationException refused(ServletRequestDetails request) {
      ForbiddenOperationException refused =
          catchThrowableOfType(
              () -> readConsent.startOperation(request, null), ForbiddenOperationException.class);
      assertThat(refused).as("the read is refused").isNotNull();
      return refused;
    }
  }

  private static final String CONFIDENTIALITY =
      "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

  private record Logged(
      ConsentQuestion question,
      ConsentDecision decision,
      String context,
      String subject,
      String correlation) {}

  private ServletRequestDetails startRead(String ods) {
    ServletRequestDetails request = request(ods, RestOperationTypeEnum.READ);
    assertThat(readConsent.startOperation(request, null).getStatus())
        .isEqualTo(ConsentOperationStatusEnum.PROCEED);
    return request;
  }

  /** A request as the security layer leaves it: the caller bound, or null for the operator. */
  private static ServletRequestDetails request(String ods, RestOperationTypeEnum operation) {
    MockHttpServletRequest http = new MockHttpServletRequest("GET", "/fhir/" + PATH);
    Caller.bind(http, ods);
    ServletRequestDetails request = new ServletRequestDetails();
    request.setServletRequest(http);
    request.setRestOperationType(operation);
    request.setResourceName("Patient");
    request.setRequestPath(PATH);
    request.setRequestId(REQUEST_ID);
    return request;
  }

  private static void header(ServletRequestDetails request, String name, String value) {
    ((MockHttpServletRequest) request.getServletRequest()).addHeader(name, value);
  }

  private void deniedByYoungPerson(String patient, String ods) {
    Consent consent = new Consent();
    consent.setId("Consent/deny-" + patient + "/_history/1");
    consent.setStatus(ConsentState.ACTIVE);
    consent.setPatient(new Reference("Patient/" + patient));
    consent.setDateTime(Date.from(NOW.minusSeconds(86_400)));
    consent.addPerformer(new Reference("Patient/" + patient));
    Consent.ProvisionComponent provision =
        new Consent.ProvisionComponent().setType(ConsentProvisionType.DENY);
    provision
        .addActor()
        .setReference(
            new Reference()
                .setIdentifier(
                    new Identifier()
                        .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                        .setValue(ods)));
    consent.setProvision(provision);
    consents.put("Patient/" + patient, List.of(consent));
  }

  /** A young person of 17, whose own Consent decides without a competence assessment. */
  private static Patient youngPerson(String id) {
    Patient patient = new Patient();
    patient.setId("Patient/" + id);
    patient.setBirthDateElement(new DateType("2009-05-01"));
    return patient;
  }

  private static Observation observation(String id, String patient) {
    Observation observation = new Observation();
    observation.setId("Observation/" + id);
    observation.setSubject(new Reference("Patient/" + patient));
    return observation;
  }

  private static ServiceRequest referral(String patient, String requesterOds) {
    ServiceRequest referral = new ServiceRequest();
    referral.setId("ServiceRequest/ref-1");
    referral.setSubject(new Reference("Patient/" + patient));
    referral.setRequester(
        new Reference()
            .setIdentifier(
                new Identifier()
                    .setSystem(ConformancePackage.ODS_ORGANIZATION_SYSTEM)
                    .setValue(requesterOds)));
    return referral;
  }

  /** The Patient store ReadConsent reads a young person from: only reads, from {@link #stored}. */
  /**
   * HAPI's store, as far as read consent may use it: reading a Patient. Any other call throws, so a
   * change that makes read consent query the store some other way fails these tests loudly rather
   * than passing on an answer the stand-in made up.
   */
  private DaoRegistry patientStore() {
    @SuppressWarnings("unchecked")
    IFhirResourceDao<Patient> patients =
        (IFhirResourceDao<Patient>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {IFhirResourceDao.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("read")
                      && args.length == 2
                      && args[0] instanceof IIdType id
                      && args[1] instanceof RequestDetails) {
                    Patient patient = stored.get(id.toUnqualifiedVersionless().getValue());
                    if (patient == null) {
                      throw new ResourceNotFoundException(id);
                    }
                    return patient;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    return new DaoRegistry(FHIR) {
      @Override
      @SuppressWarnings("unchecked")
      public <R extends IBaseResource> IFhirResourceDao<R> getResourceDao(Class<R> type) {
        if (type != Patient.class) {
          throw new UnsupportedOperationException(type.getSimpleName());
        }
        return (IFhirResourceDao<R>) patients;
      }
    };
  }
}
