package org.cypmh.routes.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutesProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries to a partner that asks for the gateway's client certificate travel on one kept-alive
 * TLS connection, not a new handshake each (the HTTP client's per-connection state would otherwise
 * keep a certificate-authenticated connection out of reuse).
 */
class PartnerConnectionReuseTest {

  private static final String PASSWORD = "changeit";

  @TempDir Path keys;

  private CamelContext camel;
  private HttpsServer partner;
  private final List<String> connections = Collections.synchronizedList(new ArrayList<>());
  private final List<String> clientSubjects = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    Path partnerKeys = keyPair("partner", "CN=localhost");
    Path gatewayKeys = keyPair("gateway", "CN=cypmh-gateway");
    Path partnerTrust = trustStoreOf(gatewayKeys, "gateway", "partner-trust");
    Path gatewayTrust = trustStoreOf(partnerKeys, "partner", "gateway-trust");
    startPartner(partnerKeys, partnerTrust);

    camel = new DefaultCamelContext();
    camel.start();
    RoutesProperties properties =
        new RoutesProperties(
            true,
            null,
            new RoutesProperties.Outbox(
                Duration.ofSeconds(1), 20, 2, Duration.ofMinutes(1), Duration.ofSeconds(30)),
            new RoutesProperties.Delivery(
                Duration.ofSeconds(1),
                2,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                0,
                Duration.ofMillis(10),
                Duration.ofMillis(10),
                Duration.ofMinutes(1),
                50,
                Duration.ofMinutes(5),
                Duration.ofMinutes(5),
                Duration.ofSeconds(20)),
            Map.of(
                "partner-mtls",
                new RoutesProperties.Credentials(gatewayKeys, PASSWORD, gatewayTrust, PASSWORD)));
    client =
        new PartnerClient(
            camel,
            camel.createProducerTemplate(),
            FhirContext.forR4Cached(),
            properties,
            Clock.systemUTC());
  }

  private PartnerClient client;

  @AfterEach
  void stop() {
    camel.stop();
    partner.stop(0);
  }

  @Test
  void deliveriesToOnePartnerShareOneClientCertificateConnection() {
    PartnerEndpoint endpoint =
        new PartnerEndpoint(
            "Endpoint/mtls-partner",
            "https://localhost:" + partner.getAddress().getPort() + "/fhir",
            Connection.FHIR_REST,
            "partner-mtls");

    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertThat(client.reserve(endpoint)).isEmpty();
      outcomes.add(client.send(delivery(), endpoint).summary());
    }

    assertThat(outcomes).containsExactly("HTTP 201", "HTTP 201", "HTTP 201");
    // Every call presented the gateway's certificate, and all three came over one connection.
    assertThat(clientSubjects)
        .containsExactly("CN=cypmh-gateway", "CN=cypmh-gateway", "CN=cypmh-gateway");
    assertThat(Set.copyOf(connections)).hasSize(1);
  }

  private void startPartner(Path keyStore, Path trustStore) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(
        keyManagers(keyStore).getKeyManagers(), trustManagers(trustStore).getTrustManagers(), null);
    partner = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    partner.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters parameters) {
            SSLParameters asking = getSSLContext().getDefaultSSLParameters();
            asking.setNeedClientAuth(true);
            parameters.setSSLParameters(asking);
          }
        });
    partner.createContext(
        "/fhir",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
          }
          connections.add(exchange.getRemoteAddress().toString());
          clientSubjects.add(
              exchange instanceof com.sun.net.httpserver.HttpsExchange https
                  ? https.getSSLSession().getPeerPrincipal().getName()
                  : "none");
          byte[] answer =
              "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
          exchange.sendResponseHeaders(201, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    partner.start();
  }

  /** A PKCS#12 key store with one self-signed key pair, made by the JDK's keytool. */
  private Path keyPair(String alias, String subject) throws IOException, InterruptedException {
    Path store = keys.resolve(alias + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        alias,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        subject,
        "-ext",
        "SAN=dns:localhost",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-keypass",
        PASSWORD);
    return store;
  }

  /** A PKCS#12 trust store holding the certificate of {@code alias} from {@code keyStore}. */
  private Path trustStoreOf(Path keyStore, String alias, String name)
      throws IOException, InterruptedException {
    Path certificate = keys.resolve(alias + ".cer");
    Path store = keys.resolve(name + ".p12");
    keytool(
        "-exportcert",
        "-alias",
        alias,
        "-keystore",
        keyStore.toString(),
        "-storepass",
        PASSWORD,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        alias,
        "-file",
        certificate.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD);
    return store;
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }

  private static KeyManagerFactory keyManagers(Path store) throws Exception {
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(load(store), PASSWORD.toCharArray());
    return factory;
  }

  private static TrustManagerFactory trustManagers(Path store) throws Exception {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(load(store));
    return factory;
  }

  private static KeyStore load(Path store) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    return keyStore;
  }

  private static Delivery delivery() {
    return TestDeliveries.permittedReferral("general", "general-camhs");
  }
}
