package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.cypmh.gateway.security.CertificateAuthority;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * Partners as they really call an enforced gateway: each an HTTPS client presenting its own client
 * certificate (issued by the gateway's dev CA at test time) on the mutual-TLS port, trusting only
 * the gateway's CA. Anonymous callers present no certificate.
 */
final class PartnerClients {

  static final String FHIR_JSON = "application/fhir+json";
  static final String PASSWORD = "changeit";

  private final Path pkiDir;
  private final int mtlsPort;
  private final int httpPort;

  PartnerClients(Path pkiDir, int mtlsPort, int httpPort) {
    this.pkiDir = pkiDir;
    this.mtlsPort = mtlsPort;
    this.httpPort = httpPort;
  }

  Path pkiDir() {
    return pkiDir;
  }

  /** A demo partner's client ({@code demo-vcse}, {@code demo-gp}, {@code demo-admin}). */
  HttpClient demo(String clientId) {
    return client(pkiDir.resolve(clientId + ".p12"));
  }

  /** A client for a configured partner, with a certificate issued for it now. */
  HttpClient partner(String clientId, String ods) {
    return client(issue(clientId, ods));
  }

  /** A client presenting no certificate. */
  HttpClient anonymous() {
    return client(null);
  }

  String https(String path) {
    return "https://localhost:" + mtlsPort + path;
  }

  String http(String path) {
    return "http://localhost:" + httpPort + path;
  }

  /** A client certificate (PKCS#12, password {@link #PASSWORD}) issued by the gateway's CA. */
  Path issue(String clientId, String ods) {
    try {
      Path out = Files.createTempDirectory("partner-").resolve(clientId + ".p12");
      new CertificateAuthority(pkiDir)
          .issue(clientId, ods, out, PASSWORD.toCharArray(), Duration.ofDays(1));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static KeyStore load(Path p12) {
    try (InputStream in = Files.newInputStream(p12)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, PASSWORD.toCharArray());
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTP client trusting the gateway's CA, presenting the certificate in {@code p12} if any. */
  HttpClient client(Path p12) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", CertificateAuthority.readPem(pkiDir.resolve("ca.pem")));
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      if (p12 != null) {
        keyManagers.init(load(p12), PASSWORD.toCharArray());
      } else {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        keyManagers.init(empty, new char[0]);
      }
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).header("Accept", FHIR_JSON).GET();
  }

  static HttpRequest.Builder post(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", FHIR_JSON)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpRequest.Builder put(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", FHIR_JSON)
        .PUT(HttpRequest.BodyPublishers.ofString(body));
  }

  static HttpRequest.Builder post(String url, Resource resource) {
    return post(url, GatewayClient.FHIR.newJsonParser().encodeResourceToString(resource));
  }

  static HttpRequest.Builder put(String url, Resource resource) {
    return put(url, GatewayClient.FHIR.newJsonParser().encodeResourceToString(resource));
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The first issue of the OperationOutcome a refusal answered with. */
  static OperationOutcome.OperationOutcomeIssueComponent issue(HttpResponse<String> response) {
    return GatewayClient.FHIR
        .newJsonParser()
        .parseResource(OperationOutcome.class, response.body())
        .getIssueFirstRep();
  }

  static <T extends Resource> T parse(Class<T> type, HttpResponse<String> response) {
    return GatewayClient.FHIR.newJsonParser().parseResource(type, response.body());
  }

  static Bundle bundle(HttpResponse<String> response) {
    return parse(Bundle.class, response);
  }
}
