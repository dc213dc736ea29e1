package org.cypmh.gateway.e2e;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;

/**
 * A partner's view of a running gateway: a HAPI client for FHIR calls and raw HTTP for bad input.
 */
final class GatewayClient {

  static final FhirContext FHIR = FhirContext.forR4Cached();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newHttpClient();
  private final IGenericClient fhir;

  GatewayClient(int port) {
    this("http://localhost:" + port, null);
  }

  /**
   * A client of the gateway at {@code baseUrl} (without {@code /fhir}) whose raw requests give up
   * after {@code timeout} (none if null), so a load driver's client is never stuck on one answer.
   */
  GatewayClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    this.fhir = FHIR.newRestfulGenericClient(baseUrl + "/fhir");
  }

  IGenericClient fhir() {
    return fhir;
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
    return timeout == null ? request : request.timeout(timeout);
  }

  HttpResponse<String> get(String path) {
    return send(request(path).header("Accept", "application/fhir+json").GET());
  }

  HttpResponse<String> post(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .header("Accept", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** POSTs a resource as FHIR JSON, returning the raw response (status, headers, body). */
  HttpResponse<String> post(String path, IBaseResource resource) {
    return post(
        path, "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(resource));
  }

  /** Stores a new young person (valid NHS number) and returns the Patient id. */
  String createYoungPerson() {
    return fhir.create()
        .resource(TestReferrals.youngPerson(NhsNumbers.next()))
        .execute()
        .getId()
        .getIdPart();
  }

  /** The BaRS error code of an error response ({@code REC_BAD_REQUEST}, ...). */
  static String barsCode(HttpResponse<String> response) {
    return outcome(response).getIssueFirstRep().getDetails().getCodingFirstRep().getCode();
  }

  static OperationOutcome outcome(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
  }
}
