package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cypmh.gateway.fhir.FhirServerProperties;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.cypmh.gateway.security.SecurityProperties;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a caller without credentials may do on an enforced gateway: read the CapabilityStatement and
 * the SMART configuration (discovery, as SMART backend clients expect), on the HTTP port and on the
 * mutual-TLS port without a certificate. Everything else is 401 with an OperationOutcome {@code
 * login} and {@code WWW-Authenticate: Bearer}, never 403.
 */
@EnforcedGateway
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnonymousAccessTest {

  @LocalServerPort int httpPort;
  @Autowired MutualTlsConnector mutualTls;
  @Autowired SecurityProperties security;
  @Autowired FhirServerProperties fhir;

  private PartnerClients partners;
  private HttpClient anonymous;

  @BeforeAll
  void clients() {
    partners = new PartnerClients(security.pkiDir(), mutualTls.localPort(), httpPort);
    anonymous = partners.anonymous();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bases")
  void capabilityStatementIsPublic(String port) {
    HttpResponse<String> response = send(get(url(port, "/fhir/metadata")));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    CapabilityStatement capabilities = PartnerClients.parse(CapabilityStatement.class, response);
    assertThat(capabilities.getFhirVersion().toCode()).isEqualTo("4.0.1");
    assertThat(capabilities.getRestFirstRep().getResource())
        .anyMatch(resource -> resource.getType().equals("ServiceRequest"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("smartConfigurationUrls")
  void smartConfigurationIsPublicAndNamesTheTokenEndpointOnTheUrlCalled(String port, String path)
      throws Exception {
    HttpResponse<String> response = send(get(url(port, path)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/json");
    @SuppressWarnings("unchecked")
    Map<String, Object> document = new ObjectMapper().readValue(response.body(), Map.class);
    assertThat(document)
        .containsOnlyKeys(
            "token_endpoint",
            "grant_types_supported",
            "token_endpoint_auth_methods_supported",
            "token_endpoint_auth_signing_alg_values_supported",
            "scopes_supported",
            "capabilities");
    assertThat(document.get("token_endpoint")).isEqualTo(url(port, "/oauth2/token"));
    assertThat(document.get("grant_types_supported")).isEqualTo(List.of("client_credentials"));
    assertThat(document.get("token_endpoint_auth_methods_supported"))
        .isEqualTo(List.of("private_key_jwt"));
    assertThat(document.get("token_endpoint_auth_signing_alg_values_supported"))
        .isEqualTo(List.of("ES256", "ES384", "PS256", "RS256", "RS384"));
    assertThat(document.get("capabilities"))
        .isEqualTo(List.of("client-confidential-asymmetric", "permission-v2"));
    @SuppressWarnings("unchecked")
    List<String> scopes = (List<String>) document.get("scopes_supported");
    assertThat(scopes)
        .startsWith("system/*.cruds", "system/*.rs")
        .contains("system/ServiceRequest.cruds", "system/Task.cruds", "system/CarePlan.cruds")
        .hasSize(2 + fhir.resourceTypes().size())
        .allMatch(scope -> scope.startsWith("system/"));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("refusedRequests")
  void everyOtherAnonymousRequestIs401Login(String port, String method, String path) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(port, path)))
            .header("Accept", PartnerClients.FHIR_JSON)
            .header("Content-Type", PartnerClients.FHIR_JSON)
            .method(
                method,
                method.equals("GET") || method.equals("DELETE")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\"}"));

    HttpResponse<String> response = send(request);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(PartnerClients.issue(response).getCode()).isEqualTo(IssueType.LOGIN);
  }

  @Test
  void aPartnerCertificateIsNotNeededForDiscoveryButIsStillRefusedElsewhereWithout() {
    // The same anonymous client: discovery yes, data no.
    assertThat(send(get(url("https", "/fhir/metadata"))).statusCode()).isEqualTo(200);
    assertThat(send(get(url("https", "/fhir/Patient?_count=1"))).statusCode()).isEqualTo(401);
  }

  static Stream<Arguments> bases() {
    return Stream.of(Arguments.of("http"), Arguments.of("https"));
  }

  static Stream<Arguments> smartConfigurationUrls() {
    return Stream.of("http", "https")
        .flatMap(
            port ->
                Stream.of(
                    Arguments.of(port, "/.well-known/smart-configuration"),
                    Arguments.of(port, "/fhir/.well-known/smart-configuration")));
  }

  static Stream<Arguments> refusedRequests() {
    List<String[]> requests =
        List.of(
            new String[] {"GET", "/fhir/Task"},
            new String[] {"GET", "/fhir/Patient/1"},
            new String[] {"GET", "/fhir/CapabilityStatement"},
            new String[] {"POST", "/fhir"},
            new String[] {"POST", "/fhir/metadata"},
            new String[] {"GET", "/fhir/$route-preview"},
            new String[] {"POST", "/fhir/$process-message"},
            new String[] {"GET", "/fhir/AuditEvent"},
            new String[] {"GET", "/fhir"},
            new String[] {"GET", "/admin/partners"},
            new String[] {"DELETE", "/admin/partners/demo-gp"},
            new String[] {"GET", "/actuator/info"},
            new String[] {"GET", "/actuator/metrics"},
            new String[] {"GET", "/actuator/prometheus"},
            new String[] {"GET", "/no-such-page"});
    return Stream.of("http", "https")
        .flatMap(port -> requests.stream().map(r -> Arguments.of(port, r[0], r[1])));
  }

  private String url(String port, String path) {
    return port.equals("http") ? partners.http(path) : partners.https(path);
  }

  private static HttpRequest.Builder get(String url) {
    return PartnerClients.get(url);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    return PartnerClients.send(anonymous, request);
  }
}
