package org.cypmh.gateway.terminology;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.hl7.fhir.r4.model.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gateway snomed-load}: asks a running gateway to load a SNOMED CT release ({@code
 * $snomed-load}) as the operator, then follows {@code $snomed-load-status} until the load is done
 * or failed (exit code 0 or 1). The release must already be in the gateway's import folder.
 */
@Command(
    name = "snomed-load",
    mixinStandardHelpOptions = true,
    description = "Loads a SNOMED CT release from the gateway's import folder and follows it.")
public final class SnomedLoadCommand implements Callable<Integer> {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  @Option(
      names = "--gateway",
      defaultValue = "https://localhost:8443",
      description = "the gateway's base URL; default ${DEFAULT-VALUE}")
  URI gateway;

  @Option(
      names = "--source",
      required = true,
      description =
          "release zip or folder inside gateway.terminology.import-dir; repeat for the"
              + " International Edition and each extension")
  List<String> sources;

  @Option(names = "--cert", description = "the operator's PKCS#12 client certificate")
  Path certificate;

  @Option(names = "--password", defaultValue = "changeit", description = "its password")
  String password;

  @Option(names = "--cacert", description = "PEM of the CA that signed the gateway's certificate")
  Path caCertificate;

  @Option(names = "--token", description = "a bearer token instead of a client certificate")
  String token;

  @Option(names = "--poll", defaultValue = "10", description = "seconds between status checks")
  int pollSeconds;

  @Override
  public Integer call() throws Exception {
    HttpClient client = client();
    Parameters request = new Parameters();
    sources.forEach(source -> request.addParameter("source", source));
    HttpResponse<String> started =
        client.send(
            authorised(HttpRequest.newBuilder(gateway.resolve("/fhir/$snomed-load")))
                .header("Content-Type", "application/fhir+json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        FHIR.newJsonParser().encodeResourceToString(request)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 200) {
      System.err.println("Refused (" + started.statusCode() + "): " + started.body());
      return 1;
    }
    String load = parse(started.body()).getParameterValue("load").primitiveValue();
    System.out.println("load " + load + " started");
    while (true) {
      HttpResponse<String> response =
          client.send(
              authorised(
                      HttpRequest.newBuilder(
                          gateway.resolve("/fhir/$snomed-load-status?load=" + load)))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Parameters status = parse(response.body());
      String phase = status.getParameterValue("phase").primitiveValue();
      System.out.println(
          phase
              + ": "
              + status.getParameterValue("message").primitiveValue()
              + " ("
              + status.getParameterValue("seconds").primitiveValue()
              + " s)");
      if (phase.equals("done")) {
        System.out.println(
            String.format(
                "loaded %s concepts (%s active), %s descriptions, %s relationships",
                status.getParameterValue("concepts").primitiveValue(),
                status.getParameterValue("activeConcepts").primitiveValue(),
                status.getParameterValue("descriptions").primitiveValue(),
                status.getParameterValue("relationships").primitiveValue()));
        return 0;
      }
      if (phase.equals("failed")) {
        return 1;
      }
      Thread.sleep(Duration.ofSeconds(pollSeconds).toMillis()); // polling a remote server
    }
  }

  private HttpRequest.Builder authorised(HttpRequest.Builder request) {
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  private HttpClient client() throws Exception {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (certificate == null && caCertificate == null) {
      return builder.build();
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    KeyManagerFactory keys = null;
    if (certificate != null) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(certificate)) {
        store.load(in, password.toCharArray());
      }
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password.toCharArray());
    }
    TrustManagerFactory trust = null;
    if (caCertificate != null) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caCertificate)) {
        store.setCertificateEntry(
            "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
    }
    tls.init(
        keys == null ? null : keys.getKeyManagers(),
        trust == null ? null : trust.getTrustManagers(),
        null);
    return builder.sslContext(tls).build();
  }

  private static Parameters parse(String body) {
    return FHIR.newJsonParser().parseResource(Parameters.class, body);
  }
}
