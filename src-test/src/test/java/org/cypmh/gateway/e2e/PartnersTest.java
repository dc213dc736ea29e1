package org.cypmh.gateway.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartnersTest {

  private static final PartnerPki PKI = PartnerPki.create(Path.of("target/partner-pki"));

  private final Partners partners = Partners.start(PKI);

  @BeforeEach
  void stubPing() {
    partners.server().stubFor(get("/ping").willReturn(ok("pong")));
  }

  @Test
  void partnerAcceptsTheGatewaysClientCertificate() throws Exception {
    HttpResponse<String> response = ping(clientWith(true));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("pong");
  }

  @Test
  void partnerRefusesAConnectionWithoutClientCertificate() throws Exception {
    HttpClient anonymous = clientWith(false);
    long pingsBefore = pingsServed();

    // TLS 1.3 may report the refusal as a reset after the handshake, so any I/O failure counts.
    assertThatThrownBy(() -> ping(anonymous)).isInstanceOf(IOException.class);
    assertThat(pingsServed()).isEqualTo(pingsBefore);
  }

  // The server is shared with the gateway tests, so count only this test's path.
  private long pingsServed() {
    return partners.server().getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().equals("/ping"))
        .count();
  }

  private HttpResponse<String> ping(HttpClient client) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(partners.baseUrl() + "/ping"))
            .timeout(Duration.ofSeconds(10))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  // Both clients trust the partner CA, so the client certificate is the only difference.
  private static HttpClient clientWith(boolean clientCertificate)
      throws IOException, GeneralSecurityException {
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(PKI.trustStore()));
    KeyManager[] keys = null;
    if (clientCertificate) {
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(load(PKI.clientKeyStore()), PKI.password().toCharArray());
      keys = factory.getKeyManagers();
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keys, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PKI.password().toCharArray());
    }
    return store;
  }
}
