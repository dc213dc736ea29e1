package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.cypmh.gateway.GatewayApplication;
import org.cypmh.gateway.security.ClientAssertion;
import org.cypmh.gateway.security.MutualTlsConnector;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two enforced gateway nodes (two application contexts in this JVM) on one PostgreSQL database of
 * their own, with the same PKI folder and token signing keystore, behind one public name (the
 * {@code Host} a load balancer would pass on): an access token from one node is accepted by the
 * other, a client assertion used on one is a replay on the other, and a partner registered or
 * removed through the admin API on one is seen by the other within {@code partner-refresh}.
 */
class TwoNodesShareSecurityStateTest {

  /** The name both nodes are reached by, as behind a load balancer. */
  private static final String PUBLIC_HOST = "gateway.test";

  private static final String TOKEN_ENDPOINT = "http://" + PUBLIC_HOST + "/oauth2/token";

  @Test
  void tokensAssertionsAndPartnerRegistrationsHoldOnBothNodes() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path root =
        Files.createTempDirectory(Path.of("target").toAbsolutePath(), "two-nodes-security-");
    Path pki = root.resolve("pki");
    // The first node creates the schema, the dev CA and the shared keystores; the second joins.
    try (ConfigurableApplicationContext first = start(database, root, "a");
        ConfigurableApplicationContext second = start(database, root, "b")) {
      Node a = new Node(first, pki);
      Node b = new Node(second, pki);

      // (a) A token issued by node A is accepted by node B.
      RawResponse issued = a.token(assertion(pki), "system/Task.rs");
      assertThat(issued.status()).as(issued.body()).isEqualTo(200);
      String token = issued.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
      HttpResponse<String> onB =
          PartnerClients.send(
              b.clients.anonymous(),
              PartnerClients.get(b.clients.http("/fhir/Task?_count=1"))
                  .header("Authorization", "Bearer " + token));
      assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);

      // (b) An assertion used on node A is a replay on node B; a fresh one is not.
      String used = assertion(pki);
      assertThat(a.token(used, "system/Task.rs").status()).isEqualTo(200);
      RawResponse replayed = b.token(used, "system/Task.rs");
      assertThat(replayed.status()).isEqualTo(401);
      assertThat(replayed.body()).contains("\"error\":\"invalid_client\"");
      assertThat(b.token(assertion(pki), "system/Task.rs").status()).isEqualTo(200);
      assertThat(usesRecorded(database, "demo-vcse", jtiOf(used))).isEqualTo(1);

      // (c) A partner registered on node A works on node B; removed on A, refused on B.
      HttpClient partner = b.clients.partner("shared-partner", "8ZZ07");
      assertThat(taskSearch(b, partner).statusCode()).isEqualTo(401);
      HttpClient admin = a.clients.demo("demo-admin");
      HttpResponse<String> registered =
          PartnerClients.send(
              admin,
              HttpRequest.newBuilder(URI.create(a.clients.https("/admin/partners/shared-partner")))
                  .header("Content-Type", "application/json")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"clientId":"shared-partner","odsCode":"8ZZ07","role":"PARTNER",
                           "authMethods":["MTLS"],"certificateSubject":"CN=shared-partner,OU=8ZZ07",
                           "scopes":["system/Task.rs"]}
                          """)));
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(taskSearch(b, partner).statusCode()).isEqualTo(200));

      HttpResponse<String> removed =
          PartnerClients.send(
              admin,
              HttpRequest.newBuilder(URI.create(a.clients.https("/admin/partners/shared-partner")))
                  .DELETE());
      assertThat(removed.statusCode()).isEqualTo(204);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(taskSearch(b, partner).statusCode()).isEqualTo(401));
      HttpResponse<String> refused = taskSearch(b, partner);
      assertThat(PartnerClients.issue(refused).getCode()).isEqualTo(IssueType.LOGIN);
    }
  }

  private static ConfigurableApplicationContext start(
      EmptyPostgresDatabase database, Path root, String node) {
    return new SpringApplicationBuilder(GatewayApplication.class)
        .run(
            "--spring.profiles.active=postgres",
            "--GATEWAY_DB_URL=" + database.jdbcUrl(),
            "--GATEWAY_DB_USER=" + database.user(),
            "--GATEWAY_DB_PASSWORD=",
            "--GATEWAY_SCHEMA_MIGRATE_ON_START=true",
            "--server.port=0",
            "--gateway.storage.data-dir=" + root.resolve(node),
            // Shared by the nodes: audit keys, the PKI (CA, token signing keystore).
            "--GATEWAY_AUDIT_KEYSTORE=" + root.resolve("keys/audit.p12"),
            "--GATEWAY_AUDIT_KEYSTORE_PASSWORD=test-only-" + database.name(),
            "--gateway.audit.keys.generate=true",
            "--gateway.security.mode=enforced",
            "--gateway.security.demo=true",
            "--gateway.security.pki-dir=" + root.resolve("pki"),
            "--gateway.security.mtls.port=0",
            "--gateway.security.partner-refresh=1s");
  }

  private static String assertion(Path pki) {
    return ClientAssertion.sign(
        pki.resolve("demo-vcse-client-key.pem"),
        "demo-vcse",
        TOKEN_ENDPOINT,
        Instant.now(),
        Duration.ofMinutes(1));
  }

  private static String jtiOf(String assertion) throws Exception {
    return com.nimbusds.jwt.SignedJWT.parse(assertion).getJWTClaimsSet().getJWTID();
  }

  private static HttpResponse<String> taskSearch(Node node, HttpClient client) {
    return PartnerClients.send(client, PartnerClients.get(node.clients.https("/fhir/Task")));
  }

  private static int usesRecorded(EmptyPostgresDatabase database, String clientId, String jti)
      throws Exception {
    try (Connection sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), "");
        PreparedStatement query =
            sql.prepareStatement(
                "select count(*) from GW_CLIENT_ASSERTION where CLIENT_ID = ? and JTI = ?")) {
      query.setString(1, clientId);
      query.setString(2, jti);
      try (ResultSet rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private record RawResponse(int status, String body) {}

  /** One gateway node: its ports and partner clients. */
  private static final class Node {
    final int httpPort;
    final PartnerClients clients;

    Node(ConfigurableApplicationContext context, Path pki) {
      this.httpPort = ((ServletWebServerApplicationContext) context).getWebServer().getPort();
      this.clients =
          new PartnerClients(pki, context.getBean(MutualTlsConnector.class).localPort(), httpPort);
    }

    /**
     * A token request to this node under the public name (HTTP/1.0 with a {@code Host} header, as a
     * load balancer forwards it; Java's HTTP client does not let a caller set {@code Host}).
     */
    RawResponse token(String assertion, String scope) {
      Map<String, String> form = new LinkedHashMap<>();
      form.put("grant_type", "client_credentials");
      form.put("client_id", "demo-vcse");
      form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      form.put("client_assertion", assertion);
      form.put("scope", scope);
      byte[] body =
          form.entrySet().stream()
              .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"))
              .getBytes(StandardCharsets.UTF_8);
      try (Socket socket = new Socket("localhost", httpPort)) {
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /oauth2/token HTTP/1.0\r\n"
                    + "Host: "
                    + PUBLIC_HOST
                    + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        in.transferTo(response);
        String text = response.toString(StandardCharsets.UTF_8);
        int status = Integer.parseInt(text.substring(9, 12));
        int bodyStart = text.indexOf("\r\n\r\n");
        return new RawResponse(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
