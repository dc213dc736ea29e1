package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.cypmh.gateway.GatewayCli;
import org.cypmh.gateway.security.CertificateAuthority;
import org.cypmh.gateway.security.ClientAssertion;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Partner authentication and authorisation in enforced mode, over real HTTP and HTTPS: client
 * certificates from the gateway's dev CA on the mutual-TLS port, access tokens from {@code
 * /oauth2/token} for signed client assertions, SMART v2 scopes, Task ownership and rate limits. Own
 * context with the other enforced-mode tests ({@link EnforcedGateway}).
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartnerSecurityTest {

  private static final String FHIR_JSON = "application/fhir+json";
  private static final String PASSWORD = "changeit";

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;

  @Autowired SecurityProperties security;

  private Path pkiDir;
  private PartnerClients partners;

  private HttpClient vcse;
  private HttpClient gp;
  private HttpClient admin;
  private HttpClient vcseB;
  private HttpClient throttled;
  private HttpClient revoked;
  private HttpClient anonymous;
  private String revokedSerial;

  @BeforeAll
  void clients() throws Exception {
    pkiDir = security.pkiDir();
    partners = new PartnerClients(pkiDir, mutualTls.localPort(), httpPort);
    vcse = partners.demo("demo-vcse");
    gp = partners.demo("demo-gp");
    admin = partners.demo("demo-admin");
    vcseB = partners.partner("vcse-b", "8ZZ03");
    throttled = partners.partner("throttled", "8ZZ02");
    Path revokedP12 = partners.issue("revoked", "8ZZ04");
    revoked = partners.client(revokedP12);
    revokedSerial =
        CertificateAuthority.serialOf(
            (X509Certificate) PartnerClients.load(revokedP12).getCertificate("revoked"));
    anonymous = partners.anonymous();
  }

  @Test
  void requestWithoutCredentialsIs401AndAudited() throws Exception {
    // GET /fhir/Task over plain HTTP, no certificate, no token
    HttpResponse<String> response =
        send(anonymous, get("http://localhost:" + httpPort + "/fhir/Task"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(issue(response).getCode()).isEqualTo(IssueType.LOGIN);

    // The refusal is on the audit trail, as a request refused before the FHIR server.
    assertThat(refusedRequestsAudited())
        .anyMatch(text -> text.startsWith("HTTP 401: GET /fhir/Task"));
  }

  @Test
  void referralPostedWithTheDemoCertificateIsAccepted() throws Exception {
    HttpResponse<String> response = postReferral(vcse, https("/fhir"), null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"201 Created\"");
  }

  @Test
  void referralRepeatedByThePartnerReturnsTheOriginal() throws Exception {
    Bundle transaction =
        TestReferrals.transaction(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Restrictive eating"));
    String body = GatewayClient.FHIR.newJsonParser().encodeResourceToString(transaction);
    HttpResponse<String> first = send(vcse, post(https("/fhir"), body));
    HttpResponse<String> repeat = send(vcse, post(https("/fhir"), body));

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(repeat.statusCode()).isEqualTo(200);
    assertThat(referralOf(repeat)).isEqualTo(referralOf(first));
  }

  @Test
  void referralPostedWithATokenIsAccepted() throws Exception {
    String token =
        accessToken(
            assertion("demo-vcse", Instant.now(), Duration.ofMinutes(1)),
            "system/ServiceRequest.crus system/Patient.crus system/Task.rs");

    HttpResponse<String> response =
        postReferral(anonymous, "http://localhost:" + httpPort + "/fhir", token);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"status\":\"201 Created\"");
  }

  @Test
  void accessTokensLiveFiveMinutesAtMost() throws Exception {
    HttpResponse<String> response =
        tokenRequest(
            assertion("demo-vcse", Instant.now(), Duration.ofMinutes(1)), "system/Task.rs");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).containsPattern("\"expires_in\":(29[0-9]|300)[,}]");
    assertThat(response.body()).contains("\"token_type\":\"Bearer\"");
  }

  @Test
  void replayedAssertionIs401() throws Exception {
    String assertion = assertion("demo-vcse", Instant.now(), Duration.ofMinutes(1));
    assertThat(tokenRequest(assertion, "system/Task.rs").statusCode()).isEqualTo(200);

    HttpResponse<String> replay = tokenRequest(assertion, "system/Task.rs");

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("\"error\":\"invalid_client\"");
    // The token endpoint may flush its answer before the refusal's audit record is written.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(refusedRequestsAudited())
                    .anyMatch(text -> text.startsWith("HTTP 401: POST /oauth2/token")));
  }

  @Test
  void expiredAssertionIs401() throws Exception {
    String expired =
        assertion("demo-vcse", Instant.now().minus(Duration.ofMinutes(10)), Duration.ofMinutes(2));

    HttpResponse<String> response = tokenRequest(expired, "system/Task.rs");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error\":\"invalid_client\"");
  }

  @Test
  void tokenWithoutTheScopeIs403() throws Exception {
    String token =
        accessToken(assertion("demo-vcse", Instant.now(), Duration.ofMinutes(1)), "system/Task.rs");

    HttpResponse<String> response =
        postReferral(anonymous, "http://localhost:" + httpPort + "/fhir", token);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(issue(response).getCode()).isEqualTo(IssueType.FORBIDDEN);
  }

  @Test
  void gpReadsCarePlansButCannotDeleteAReferral() throws Exception {
    HttpResponse<String> carePlans =
        send(
            gp,
            get(
                https(
                    "/fhir/CarePlan?subject:identifier=https://fhir.nhs.uk/Id/nhs-number%7C"
                        + NhsNumbers.next())));
    assertThat(carePlans.statusCode()).isEqualTo(200);

    // The demo GP refers (system/ServiceRequest.crus) but holds no delete scope.
    HttpResponse<String> posted = postReferral(vcse, https("/fhir"), null);
    assertThat(posted.statusCode()).isEqualTo(200);
    HttpResponse<String> deleted =
        send(gp, HttpRequest.newBuilder(URI.create(https("/fhir/" + referralOf(posted)))).DELETE());
    assertThat(deleted.statusCode()).isEqualTo(403);
    assertThat(issue(deleted).getCode()).isEqualTo(IssueType.FORBIDDEN);
  }

  @Test
  void partnerSeesOnlyTasksItRequestedOrOwns() throws Exception {
    HttpResponse<String> posted = postReferral(vcse, https("/fhir"), null);
    assertThat(posted.statusCode()).isEqualTo(200);
    String referral = referralOf(posted);

    Bundle ownSearch = search(vcse, "/fhir/Task?focus=" + referral);
    assertThat(ownSearch.getEntry()).hasSize(1);
    String taskId =
        ((Task) ownSearch.getEntryFirstRep().getResource())
            .getIdElement()
            .toUnqualifiedVersionless()
            .getValue();
    assertThat(send(vcse, get(https("/fhir/" + taskId))).statusCode()).isEqualTo(200);

    // Partner B (8ZZ03) neither finds it nor reads it.
    assertThat(search(vcseB, "/fhir/Task?focus=" + referral).getEntry()).isEmpty();
    assertThat(search(vcseB, "/fhir/Task?_count=200").getEntry())
        .noneMatch(
            entry ->
                entry
                    .getResource()
                    .getIdElement()
                    .toUnqualifiedVersionless()
                    .getValue()
                    .equals(taskId));
    assertThat(send(vcseB, get(https("/fhir/" + taskId))).statusCode()).isEqualTo(404);
  }

  @Test
  void revokedCertificateIsRefused() throws Exception {
    assertThat(send(revoked, get(https("/fhir/Task"))).statusCode()).isEqualTo(200);

    assertThat(GatewayCli.run("pki", "revoke", revokedSerial, "--pki-dir", pkiDir.toString()))
        .isZero();

    HttpResponse<String> refused = send(revoked, get(https("/fhir/Task")));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(issue(refused).getCode()).isEqualTo(IssueType.LOGIN);
    assertThat(issue(refused).getDiagnostics()).contains("revoked");
  }

  @Test
  void partnerOverItsRateLimitGets429WithRetryAfter() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(send(throttled, get(https("/fhir/Task"))).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> limited = send(throttled, get(https("/fhir/Task")));

    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 60);
    assertThat(issue(limited).getCode()).isEqualTo(IssueType.THROTTLED);
  }

  @Test
  void partnerAdminApiIsForTheAdminRoleOnly() throws Exception {
    assertThat(send(vcse, get(https("/admin/partners"))).statusCode()).isEqualTo(403);

    HttpResponse<String> registered = send(admin, get(https("/admin/partners")));
    assertThat(registered.statusCode()).isEqualTo(200);
    assertThat(registered.body()).contains("\"clientId\":\"demo-gp\"", "\"odsCode\":\"Y99901\"");

    String registration =
        """
        {"clientId":"new-vcse","odsCode":"8ZZ05","role":"PARTNER","authMethods":["MTLS"],
         "certificateSubject":"CN=new-vcse,OU=8ZZ05","scopes":["system/Task.rs"]}
        """;
    HttpResponse<String> saved =
        send(
            admin,
            HttpRequest.newBuilder(URI.create(https("/admin/partners/new-vcse")))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(registration)));
    assertThat(saved.statusCode()).isEqualTo(200);
    HttpClient newVcse = partners.partner("new-vcse", "8ZZ05");
    assertThat(send(newVcse, get(https("/fhir/Task"))).statusCode()).isEqualTo(200);
  }

  // --- helpers ---

  /** What the audit trail says about failed requests (outcome 4), read by the operator. */
  private java.util.List<String> refusedRequestsAudited() throws Exception {
    Bundle refused =
        GatewayClient.FHIR
            .newJsonParser()
            .parseResource(
                Bundle.class,
                send(admin, get(https("/fhir/AuditEvent?outcome=4&_count=200"))).body());
    return refused.getEntry().stream()
        .map(entry -> ((AuditEvent) entry.getResource()).getOutcomeDesc())
        .toList();
  }

  private String assertion(String clientId, Instant issuedAt, Duration lifetime) {
    return ClientAssertion.sign(
        pkiDir.resolve(clientId + "-client-key.pem"),
        clientId,
        https("/oauth2/token"),
        issuedAt,
        lifetime);
  }

  private HttpResponse<String> tokenRequest(String assertion, String scope) throws Exception {
    Map<String, String> form =
        Map.of(
            "grant_type",
            "client_credentials",
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion",
            assertion,
            "client_id",
            assertion.isEmpty() ? "" : clientIdOf(assertion),
            "scope",
            scope);
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return send(
        anonymous,
        HttpRequest.newBuilder(URI.create(https("/oauth2/token")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The client id (the assertion's subject), which Spring Authorization Server wants as well. */
  private static String clientIdOf(String assertion) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(assertion).getJWTClaimsSet().getSubject();
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private String accessToken(String assertion, String scope) throws Exception {
    HttpResponse<String> response = tokenRequest(assertion, scope);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
  }

  private HttpResponse<String> postReferral(HttpClient client, String url, String token)
      throws Exception {
    Bundle transaction =
        TestReferrals.transaction(
            NhsNumbers.next(), TestReferrals.eatingDisorderReferral("Restrictive eating"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", FHIR_JSON)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    GatewayClient.FHIR.newJsonParser().encodeResourceToString(transaction)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(client, request);
  }

  private static String referralOf(HttpResponse<String> transactionResponse) {
    Bundle response =
        GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, transactionResponse.body());
    return response.getEntry().stream()
        .map(entry -> entry.getResponse().getLocation())
        .filter(location -> location.startsWith("ServiceRequest/"))
        .map(location -> location.substring(0, location.indexOf("/_history")))
        .findFirst()
        .orElseThrow();
  }

  private Bundle search(HttpClient client, String path) throws Exception {
    HttpResponse<String> response = send(client, get(https(path)));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  private String https(String path) {
    return partners.https(path);
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(
      HttpResponse<String> response) {
    return PartnerClients.issue(response);
  }

  private static HttpRequest.Builder post(String url, String body) {
    return PartnerClients.post(url, body);
  }

  private static HttpRequest.Builder get(String url) {
    return PartnerClients.get(url);
  }

  private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    return PartnerClients.send(client, request);
  }
}
