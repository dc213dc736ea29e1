package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cypmh.gateway.e2e.PartnerClients.get;
import static org.cypmh.gateway.e2e.PartnerClients.issue;
import static org.cypmh.gateway.e2e.PartnerClients.parse;
import static org.cypmh.gateway.e2e.PartnerClients.put;
import static org.cypmh.gateway.e2e.PartnerClients.send;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentProvisionType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MessageHeader;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Least privilege between partners, attacked as real partners over HTTPS with their own client
 * certificates: who may change a referral and its Task, whose Subscriptions see what and deliver
 * where, who may record a Consent, and who may answer a BaRS referral. Each attack asserts the
 * exact refusal and that nothing changed; each has its owner's positive side.
 *
 * <p>The cast: {@code vcse-b} (8ZZ03) refers young people; the demo CAMHS trust ({@code camhs},
 * RZZ) receives them (its crisis team owns their Tasks); {@code demo-vcse} (8HV48) is an unrelated
 * VCSE provider; {@code demo-admin} is the operator.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeastPrivilegeTest {

  private static final Duration DELIVERY = Duration.ofSeconds(60);
  private static final String ODS = "https://fhir.nhs.uk/Id/ods-organization-code";

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;

  private PartnerClients partners;
  private HttpClient referrer;
  private HttpClient camhs;
  private HttpClient unrelated;
  private HttpClient admin;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    referrer = partners.partner("vcse-b", "8ZZ03");
    camhs = partners.partner("camhs", "RZZ");
    unrelated = partners.demo("demo-vcse");
    admin = partners.demo("demo-admin");
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WritesAreBoundToTheirOwner {

    @Test
    void aPartnerCannotReferInAnotherOrganisationsName() {
      // vcse-b (8ZZ03) sends a referral whose requester is the demo VCSE provider (8HV48).
      ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
      Identifier identifier = referral.getIdentifierFirstRep();

      HttpResponse<String> refused =
          send(
              referrer,
              PartnerClients.post(
                  partners.https("/fhir"), TestReferrals.transaction(NhsNumbers.next(), referral)));

      assertForbidden(
          refused,
          "A partner refers in its own name: ServiceRequest.requester names 8HV48, not the"
              + " sending organisation 8ZZ03");
      assertThat(referralsWith(identifier)).as("nothing stored").isEmpty();
    }

    @Test
    void receivingServiceCannotRewriteTheReferral() {
      Referral referral = referToCamhsCrisis();
      ServiceRequest asRead = read(camhs, referral.serviceRequest(), ServiceRequest.class);
      asRead.addNote().setText("Changed by the receiving service");

      HttpResponse<String> refused = send(camhs, put(url(referral.serviceRequest()), asRead));

      assertForbidden(refused, "Only the organisation that requested a referral");
      assertThat(version(referral.serviceRequest())).isEqualTo(referral.serviceRequestVersion());
    }

    @Test
    void referrerCannotMoveTheServicesTask() {
      Referral referral = referToCamhsCrisis();
      Task task = read(referrer, referral.task(), Task.class);
      String before = task.getMeta().getVersionId();
      task.setStatus(Task.TaskStatus.COMPLETED);

      HttpResponse<String> refused = send(referrer, put(url(referral.task()), task));

      assertForbidden(refused, "Only the service that owns a Task");
      assertThat(version(referral.task())).isEqualTo(before);
    }

    @Test
    void receivingServiceAcceptsItsTaskButCannotHandItToAnother() {
      Referral referral = referToCamhsCrisis();
      Task task = read(camhs, referral.task(), Task.class);
      String before = task.getMeta().getVersionId();

      Task repointed = task.copy();
      repointed.setOwner(
          new Reference().setIdentifier(new Identifier().setSystem(ODS).setValue("8ZZ03")));
      assertForbidden(send(camhs, put(url(referral.task()), repointed)), "cannot change its owner");
      assertThat(version(referral.task())).isEqualTo(before);

      task.setStatus(Task.TaskStatus.ACCEPTED);
      HttpResponse<String> accepted = send(camhs, put(url(referral.task()), task));
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      assertThat(read(admin, referral.task(), Task.class).getStatus())
          .isEqualTo(Task.TaskStatus.ACCEPTED);
    }

    @Test
    void referrerCancelsItsReferralButNobodyDeletesTheTask() {
      Referral referral = referToCamhsCrisis();
      ServiceRequest own = read(referrer, referral.serviceRequest(), ServiceRequest.class);
      own.setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);

      HttpResponse<String> cancelled = send(referrer, put(url(referral.serviceRequest()), own));

      assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
      assertThat(read(admin, referral.serviceRequest(), ServiceRequest.class).getStatus())
          .isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
      assertForbidden(
          send(camhs, HttpRequest.newBuilder(uri(referral.task())).DELETE()),
          "Tasks are not deleted");
      assertThat(send(admin, get(url(referral.task()))).statusCode()).isEqualTo(200);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class BarsResponsesComeOnlyFromTheServiceDeliveredTo {

    @Test
    void theReferrerCannotAnswerItsOwnReferralForTheService() {
      Referral referral = referToCamhsCrisis();
      String before = version(referral.task());

      HttpResponse<String> refused =
          answer(referrer, "8ZZ03", referral, Task.TaskStatus.COMPLETED, "closed by the referrer");

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(GatewayClient.barsCode(refused)).isEqualTo("REC_FORBIDDEN");
      assertThat(issue(refused).getCode()).isEqualTo(IssueType.FORBIDDEN);
      assertThat(version(referral.task())).isEqualTo(before);
    }

    @Test
    void theServiceItWasDeliveredToAnswers() {
      Referral referral = referToCamhsCrisis();

      HttpResponse<String> answered =
          answer(camhs, "RZZ", referral, Task.TaskStatus.ACCEPTED, "triaged by the crisis team");

      assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
      Task task = read(admin, referral.task(), Task.class);
      assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.ACCEPTED);
      assertThat(task.getBusinessStatus().getText())
          .isEqualTo("response from CAMHS eating disorders team: triaged by the crisis team");
    }

    @Test
    void aPartnerSendsABarsReferralWithItsOwnCertificate() {
      ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
      referral.getRequester().setIdentifier(new Identifier().setSystem(ODS).setValue("8ZZ03"));

      HttpResponse<String> accepted =
          sendMessage(referrer, "8ZZ03", TestMessages.referral(NhsNumbers.next(), referral, "new"));

      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
      Bundle response = PartnerClients.bundle(accepted);
      assertThat(
              ((MessageHeader) response.getEntryFirstRep().getResource()).getResponse().getCode())
          .isEqualTo(MessageHeader.ResponseType.OK);
    }

    @Test
    void aPartnerCannotSendAMessageAsAnotherOrganisation() {
      ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
      referral.getRequester().setIdentifier(new Identifier().setSystem(ODS).setValue("RZZ"));
      Identifier identifier = referral.getIdentifierFirstRep();

      HttpResponse<String> refused =
          sendMessage(referrer, "RZZ", TestMessages.referral(NhsNumbers.next(), referral, "new"));

      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
      assertThat(GatewayClient.barsCode(refused)).isEqualTo("REC_FORBIDDEN");
      assertThat(referralsWith(identifier)).isEmpty();
    }

    private HttpResponse<String> answer(
        HttpClient client, String ods, Referral referral, Task.TaskStatus status, String text) {
      ServiceRequest stored = read(admin, referral.serviceRequest(), ServiceRequest.class);
      Bundle message = TestMessages.response(stored, MessageHeader.ResponseType.OK, text);
      message.getEntry().stream()
          .map(Bundle.BundleEntryComponent::getResource)
          .filter(Task.class::isInstance)
          .map(Task.class::cast)
          .forEach(t -> t.setStatus(status));
      return sendMessage(client, ods, message);
    }

    private HttpResponse<String> sendMessage(HttpClient client, String ods, Bundle message) {
      return send(
          client,
          PartnerClients.post(partners.https("/fhir/$process-message"), message)
              .header("X-Request-Id", UUID.randomUUID().toString())
              .header("X-Correlation-Id", UUID.randomUUID().toString())
              .header("NHSD-Requesting-Software", TestMessages.requestingSoftware())
              .header("NHSD-End-User-Organisation", TestMessages.endUserOrganisation(ods)));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SubscriptionsSeeOnlyWhatTheirMakerMayRead {

    @Test
    void aPartnerSubscribedToEveryTaskHearsOnlyOfItsOwn() {
      String othersHook = hook("vcse-b-all-tasks");
      String ownHook = hook("camhs-tasks");
      String snooper =
          created(send(referrer, post("/fhir/Subscription", taskSubscription(othersHook))));
      created(send(camhs, post("/fhir/Subscription", taskSubscription(ownHook))));

      // A referral from another organisation, delivered to the CAMHS crisis team...
      Referral notTheirs = referToCamhsCrisis(unrelated, "8HV48");
      await()
          .atMost(DELIVERY)
          .untilAsserted(() -> assertThat(notifiedTasks(ownHook)).contains(notTheirs.task()));
      // ...then one of the snooper's own referrals: it hears of that one only.
      Referral theirs = referToCamhsCrisis();
      await()
          .atMost(DELIVERY)
          .untilAsserted(() -> assertThat(notifiedTasks(othersHook)).contains(theirs.task()));
      assertThat(notifiedTasks(othersHook)).doesNotContain(notTheirs.task());

      // The stamp says whose it is, and the partner cannot read or change another's.
      Subscription stored = read(admin, snooper, Subscription.class);
      assertThat(
              ((Identifier)
                      stored
                          .getExtensionByUrl(
                              "https://cypmh-gateway.org/fhir/StructureDefinition/subscriber-organisation")
                          .getValue())
                  .getValue())
          .isEqualTo("8ZZ03");
      assertThat(send(camhs, get(partners.https("/fhir/" + snooper))).statusCode()).isEqualTo(404);
      stored.getChannel().setEndpoint(PartnerNetwork.PARTNERS.baseUrl() + hook("hijacked"));
      assertForbidden(
          send(camhs, put(url(snooper), stored)), "Only the organisation that made a Subscription");
      assertThat(version(snooper)).isEqualTo("1");
    }

    @Test
    void theDirectoryNotThePartnerChoosesTheCertificateTheGatewayPresents() {
      Subscription asked = taskSubscription(hook("credentials"));
      asked
          .getExtensionByUrl(
              "https://cypmh-gateway.org/fhir/StructureDefinition/endpoint-credentials")
          .setValue(new org.hl7.fhir.r4.model.StringType("someone-elses-credentials"));

      String made = created(send(referrer, post("/fhir/Subscription", asked)));

      // The credentials of the organisation's directory Endpoint at that origin, set by the
      // gateway.
      Subscription stored = read(admin, made, Subscription.class);
      assertThat(
              stored.getExtension().stream()
                  .filter(
                      e ->
                          e.getUrl()
                              .equals(
                                  "https://cypmh-gateway.org/fhir/StructureDefinition/endpoint-credentials"))
                  .map(e -> e.getValue().primitiveValue())
                  .toList())
          .containsExactly("demo-partners");
    }

    @Test
    void anEndpointThatIsNotTheSubscribersIsRefusedAndNothingIsStored() {
      for (String endpoint :
          List.of(
              "http://127.0.0.1:" + httpPort + "/admin/partners",
              "http://169.254.169.254/latest/meta-data/",
              "https://user:secret@" + PartnerNetwork.PARTNERS.baseUrl().substring(8) + "/x",
              "ftp://files.example.org/hook")) {
        String marker = "ssrf-" + UUID.randomUUID();
        Subscription subscription = taskSubscription("/unused");
        subscription.setReason(marker);
        subscription.getChannel().setEndpoint(endpoint);

        HttpResponse<String> refused = send(referrer, post("/fhir/Subscription", subscription));

        assertThat(refused.statusCode()).as(endpoint + ": " + refused.body()).isEqualTo(403);
        assertThat(issue(refused).getCode()).isEqualTo(IssueType.FORBIDDEN);
        assertThat(issue(refused).getExpression().get(0).getValue())
            .isEqualTo("Subscription.channel.endpoint");
        assertThat(
                bundle(send(admin, get(partners.https("/fhir/Subscription?_count=200"))))
                    .getEntry()
                    .stream()
                    .map(e -> ((Subscription) e.getResource()).getReason()))
            .doesNotContain(marker);
      }
    }

    private Subscription taskSubscription(String hook) {
      return PartnerNetwork.subscription("Task?status:not=draft", hook, "Tasks");
    }

    private String hook(String name) {
      String path = "/" + name + "-" + UUID.randomUUID() + "/notify";
      PartnerNetwork.PARTNERS
          .server()
          .stubFor(
              com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo(path))
                  .willReturn(aResponse().withStatus(200)));
      return path;
    }

    private List<String> notifiedTasks(String hook) {
      return RoutingBehaviour.notificationsTo(hook).stream()
          .map(t -> t.getIdElement().toUnqualifiedVersionless().getValue())
          .toList();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ConsentIsRecordedOnlyByThoseWhoMay {

    @Test
    void aPartnerCannotGrantItselfConsent() {
      String patient = patient();
      for (Consent selfGrant :
          List.of(
              permit(patient, new Reference(patient), actor("8HV48")),
              permit(patient, new Reference(patient), null))) {
        HttpResponse<String> refused = send(unrelated, post("/fhir/Consent", selfGrant));

        assertForbidden(refused, "8HV48");
      }
      assertThat(consentsOf(patient)).isZero();
    }

    @Test
    void aPartnerMayRecordTheYoungPersonsAgreementToShareWithAnother() {
      String patient = patient();

      HttpResponse<String> recorded =
          send(
              unrelated,
              post("/fhir/Consent", permit(patient, new Reference(patient), actor("RZZ"))));

      assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
      assertThat(consentsOf(patient)).isEqualTo(1);
      Bundle audited =
          bundle(
              send(
                  admin,
                  get(
                      partners.https(
                          "/fhir/AuditEvent?type=consent-recorded&patient=" + patient))));
      assertThat(audited.getEntry()).hasSize(1);
      assertThat(((AuditEvent) audited.getEntryFirstRep().getResource()).getOutcomeDesc())
          .isEqualTo("Consent create by 8HV48 (no self-release)");
    }

    @Test
    void thePerformerMustBeTheYoungPersonOrTheirParent() {
      String patient = patient();
      String someoneElse = patient();
      String strangersMother =
          created(send(admin, post("/fhir/RelatedPerson", mother(someoneElse))));

      for (Reference performer :
          List.of(new Reference(someoneElse), new Reference(strangersMother))) {
        HttpResponse<String> refused =
            send(unrelated, post("/fhir/Consent", permit(patient, performer, actor("RZZ"))));

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(issue(refused).getCode()).isEqualTo(IssueType.BUSINESSRULE);
        assertThat(issue(refused).getExpression().get(0).getValue()).isEqualTo("Consent.performer");
      }
      String ownMother = created(send(admin, post("/fhir/RelatedPerson", mother(patient))));
      assertThat(
              send(
                      unrelated,
                      post(
                          "/fhir/Consent", permit(patient, new Reference(ownMother), actor("RZZ"))))
                  .statusCode())
          .isEqualTo(201);
    }

    @Test
    void theYoungPersonsCamhsRecordsAPermitForItself() {
      Referral referral = referToCamhsCrisis();
      String patient =
          read(admin, referral.serviceRequest(), ServiceRequest.class).getSubject().getReference();

      HttpResponse<String> recorded =
          send(camhs, post("/fhir/Consent", permit(patient, new Reference(patient), actor("RZZ"))));

      assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(201);
    }

    private long consentsOf(String patient) {
      return bundle(send(admin, get(partners.https("/fhir/Consent?patient=" + patient))))
          .getEntry()
          .size();
    }

    private String patient() {
      return created(
          send(admin, post("/fhir/Patient", TestReferrals.youngPerson(NhsNumbers.next()))));
    }

    private RelatedPerson mother(String patient) {
      RelatedPerson mother = new RelatedPerson();
      mother.setPatient(new Reference(patient));
      mother.addRelationship(
          new CodeableConcept(
              new Coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother")));
      mother.addName().setFamily("Test").addGiven("Parent");
      return mother;
    }

    private Reference actor(String ods) {
      return ConsentFixtures.actorOds(ods);
    }

    private Consent permit(String patient, Reference performer, Reference actor) {
      Consent consent =
          ConsentFixtures.consent(
              ConsentProvisionType.PERMIT, actor == null ? new Reference() : actor);
      if (actor == null) {
        consent.getProvision().getActor().clear();
      }
      consent.setPatient(new Reference(patient));
      consent.addPerformer(performer);
      return consent;
    }
  }

  // --- the referral every attack starts from ---

  /**
   * A referral stored, routed and delivered: its tracking Task names the receiving service as a
   * service it was delivered to.
   */
  private record Referral(String serviceRequest, String serviceRequestVersion, String task) {}

  /** An urgent referral from {@code vcse-b} (8ZZ03), which the crisis route sends to RZZ. */
  private Referral referToCamhsCrisis() {
    return referToCamhsCrisis(referrer, "8ZZ03");
  }

  private Referral referToCamhsCrisis(HttpClient client, String referrerOds) {
    ServiceRequest referral = TestReferrals.eatingDisorderReferral("Restrictive eating");
    referral.getRequester().setIdentifier(new Identifier().setSystem(ODS).setValue(referrerOds));
    Bundle transaction = TestReferrals.transaction(NhsNumbers.next(), referral);
    HttpResponse<String> posted =
        send(client, PartnerClients.post(partners.https("/fhir"), transaction));
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
    String serviceRequest =
        bundle(posted).getEntry().stream()
            .map(e -> e.getResponse().getLocation())
            .filter(location -> location.startsWith("ServiceRequest/"))
            .map(location -> location.substring(0, location.indexOf("/_history")))
            .findFirst()
            .orElseThrow();
    java.util.concurrent.atomic.AtomicReference<Task> delivered =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .atMost(DELIVERY)
        .untilAsserted(
            () -> {
              List<Task> tasks =
                  bundle(send(admin, get(partners.https("/fhir/Task?focus=" + serviceRequest))))
                      .getEntry()
                      .stream()
                      .map(e -> (Task) e.getResource())
                      .toList();
              assertThat(tasks)
                  .as(
                      () ->
                          tasks.stream()
                              .map(
                                  t ->
                                      t.getOwner().getReference()
                                          + " / "
                                          + t.getBusinessStatus().getText())
                              .toList()
                              .toString())
                  .anyMatch(
                      t ->
                          t.getBusinessStatus()
                              .getText()
                              .equals("delivered to HealthcareService/camhs-crisis"));
              delivered.set(
                  tasks.stream()
                      .filter(t -> t.getBusinessStatus().getText().startsWith("delivered"))
                      .findFirst()
                      .orElseThrow());
            });
    Task task = delivered.get();
    return new Referral(
        serviceRequest,
        version(serviceRequest),
        task.getIdElement().toUnqualifiedVersionless().getValue());
  }

  // --- helpers ---

  private String url(String reference) {
    return partners.https("/fhir/" + reference);
  }

  private java.net.URI uri(String reference) {
    return java.net.URI.create(url(reference));
  }

  private HttpRequest.Builder post(String path, Resource resource) {
    return PartnerClients.post(partners.https(path), resource);
  }

  private <T extends Resource> T read(HttpClient client, String reference, Class<T> type) {
    HttpResponse<String> response = send(client, get(url(reference)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parse(type, response);
  }

  /** The stored version, as the operator reads it. */
  private String version(String reference) {
    HttpResponse<String> response = send(admin, get(url(reference)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return ((Resource) GatewayClient.FHIR.newJsonParser().parseResource(response.body()))
        .getMeta()
        .getVersionId();
  }

  private static String created(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String location = response.headers().firstValue("Location").orElseThrow();
    java.util.regex.Matcher id =
        java.util.regex.Pattern.compile("([A-Za-z]+/[^/]+)/_history").matcher(location);
    assertThat(id.find()).as(location).isTrue();
    return id.group(1);
  }

  private static Bundle bundle(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return PartnerClients.bundle(response);
  }

  /** The stored referrals with this identifier, as the operator sees them. */
  private List<Bundle.BundleEntryComponent> referralsWith(Identifier identifier) {
    return bundle(
            send(
                admin,
                get(
                    partners.https(
                        "/fhir/ServiceRequest?identifier="
                            + identifier.getSystem()
                            + "%7C"
                            + identifier.getValue()))))
        .getEntry();
  }

  private static void assertForbidden(HttpResponse<String> response, String reason) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(issue(response).getCode()).isEqualTo(IssueType.FORBIDDEN);
    assertThat(issue(response).getDiagnostics()).contains(reason);
  }
}
