package org.cypmh.gateway.demo.story;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * One demo partner's system talking to the gateway's mutual-TLS port with that partner's client
 * certificate from the demo PKI folder (password {@code changeit}), trusting only the dev CA. Every
 * call answers the status and the parsed FHIR body; a FHIR body that does not parse is kept as
 * text.
 */
final class PartnerConnection {

  /** One answer: HTTP status, the resource (if the body was FHIR), the raw body and headers. */
  record Answer(int status, IBaseResource resource, String body, HttpResponse<String> raw) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    <T extends IBaseResource> T as(Class<T> type) {
      if (!type.isInstance(resource)) {
        throw new StoryFailure(
            "expected a " + type.getSimpleName() + ", got HTTP " + status + ": " + shortBody());
      }
      return type.cast(resource);
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String shortBody() {
      return body.length() > 600 ? body.substring(0, 600) + " ..." : body;
    }
  }

  private static final String FHIR_JSON = "application/fhir+json";

  private final String clientId;
  private final URI base;
  private final HttpClient http;
  private final FhirContext fhir;

  private PartnerConnection(String clientId, URI base, HttpClient http, FhirContext fhir) {
    this.clientId = clientId;
    this.base = base;
    this.http = http;
    this.fhir = fhir;
  }

  /** The partner {@code clientId}'s connection, with {@code <pkiDir>/<clientId>.p12}. */
  static PartnerConnection of(String clientId, URI gateway, Path pkiDir, FhirContext fhir) {
    Path certificate = pkiDir.resolve(clientId + ".p12");
    Path ca = pkiDir.resolve("ca.pem");
    if (!Files.isReadable(certificate) || !Files.isReadable(ca)) {
      throw new StoryFailure(
          "no demo credentials for "
              + clientId
              + " in "
              + pkiDir
              + " (the embedded default writes them on its first start; --pki-dir names another"
              + " folder)");
    }
    try {
      char[] password = "changeit".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(certificate)) {
        keys.load(in, password);
      }
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream in = Files.newInputStream(ca)) {
        trust.setCertificateEntry(
            "dev-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      HttpClient http =
          HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
      return new PartnerConnection(clientId, gateway, http, fhir);
    } catch (IOException | GeneralSecurityException e) {
      throw new StoryFailure("cannot use " + certificate + ": " + e.getMessage());
    }
  }

  String clientId() {
    return clientId;
  }

  Answer get(String pathAndQuery) {
    return send(request(pathAndQuery).GET());
  }

  Answer post(String path, Resource body) {
    return send(
        request(path)
            .header("Content-Type", FHIR_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(encode(body))));
  }

  /** A PUT conditional on the version read ({@code If-Match}), as a careful partner writes. */
  Answer put(String path, Resource body, String versionId) {
    return send(
        request(path)
            .header("Content-Type", FHIR_JSON)
            .header("If-Match", "W/\"" + versionId + "\"")
            .PUT(HttpRequest.BodyPublishers.ofString(encode(body))));
  }

  String encode(IBaseResource resource) {
    return parser().encodeResourceToString(resource);
  }

  static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(base.resolve(pathAndQuery))
        .timeout(Duration.ofSeconds(60))
        .header("Accept", FHIR_JSON);
  }

  private Answer send(HttpRequest.Builder request) {
    HttpRequest built = request.build();
    HttpResponse<String> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StoryFailure(
          "the gateway did not answer "
              + built.method()
              + " "
              + built.uri().getPath()
              + " ("
              + e.getMessage()
              + "): is it running at "
              + base
              + "?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoryFailure("interrupted");
    }
    IBaseResource resource = null;
    String body = response.body();
    if (body.startsWith("{") && body.contains("\"resourceType\"")) {
      resource = parser().parseResource(body);
    }
    return new Answer(response.statusCode(), resource, body, response);
  }

  private IParser parser() {
    return fhir.newJsonParser().setPrettyPrint(false);
  }
}
