package org.cypmh.routes.delivery;

import ca.uhn.fhir.context.FhirContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.cypmh.routes.api.PartnerEndpoint;
import org.cypmh.routes.api.PartnerEndpoint.Connection;
import org.cypmh.routes.api.RoutesProperties;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;

/**
 * Sends one payload to one partner endpoint over Camel's HTTP component: the endpoint's client
 * certificate, timeouts, the idempotency key and BaRS headers, and a circuit breaker per endpoint
 * so that a partner that is down is not hammered and does not hold our threads.
 *
 * <p>A call is reserved first ({@link #reserve}): while an endpoint's breaker is open no call is
 * made and the caller learns how long to wait, so that wait is not an attempt (nothing is sent,
 * recorded or counted against the retry budget).
 */
@Component
public class PartnerClient {

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  static final String RETRY_AFTER = "Retry-After";

  /**
   * BaRS {@code NHSD-Requesting-Software}: the gateway, as the software sending (base64 JSON of a
   * FHIR Device), so a BaRS receiver that requires the header takes what the gateway sends on.
   */
  static final String REQUESTING_SOFTWARE = "NHSD-Requesting-Software";

  static final String GATEWAY_DEVICE =
      java.util.Base64.getEncoder()
          .encodeToString(
              ("{\"resourceType\":\"Device\",\"identifier\":[{\"system\":"
                      + "\"https://cypmh-gateway.org/fhir/Id/device\",\"value\":\"cypmh-gateway\"}],"
                      + "\"deviceName\":[{\"name\":\"CYPMH gateway\",\"type\":\"manufacturer-name\"}]}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));

  /** The wait when a breaker refuses a call but its open period is over (a test call is out). */
  private static final Duration HALF_OPEN_WAIT = Duration.ofMillis(200);

  private final CamelContext camel;
  private final ProducerTemplate producer;
  private final FhirContext fhirContext;
  private final RoutesProperties properties;
  private final CircuitBreakerRegistry breakers;
  private final Clock clock;

  /** When each endpoint's breaker last opened, to say how long it stays open. */
  private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();

  PartnerClient(
      CamelContext camel,
      ProducerTemplate producer,
      FhirContext fhirContext,
      RoutesProperties properties,
      Clock clock) {
    this.camel = camel;
    this.producer = producer;
    this.fhirContext = fhirContext;
    this.properties = properties;
    this.clock = clock;
    RoutesProperties.Delivery delivery = properties.delivery();
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .failureRateThreshold(delivery.breakerFailureRate())
                .minimumNumberOfCalls(5)
                .slidingWindowSize(10)
                .waitDurationInOpenState(delivery.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    breakers
        .getEventPublisher()
        .onEntryAdded(
            added -> {
              CircuitBreaker breaker = added.getAddedEntry();
              breaker
                  .getEventPublisher()
                  .onStateTransition(
                      change -> {
                        if (change.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                          openedAt.put(breaker.getName(), clock.instant());
                        }
                      });
            });
    configureHttp(delivery);
  }

  /**
   * Reserves one call to the endpoint. Empty: the call may be made now, and the caller must either
   * {@link #send} or {@link #release}. Otherwise the endpoint's breaker is open (the partner has
   * been failing) and this is how long to wait before asking again.
   */
  Optional<Duration> reserve(PartnerEndpoint endpoint) {
    CircuitBreaker breaker = breaker(endpoint);
    if (breaker.tryAcquirePermission()) {
      return Optional.empty();
    }
    Instant opened = openedAt.getOrDefault(endpoint.resourceId(), clock.instant());
    Duration left =
        Duration.between(clock.instant(), opened.plus(properties.delivery().breakerOpenFor()));
    return Optional.of(left.compareTo(HALF_OPEN_WAIT) > 0 ? left : HALF_OPEN_WAIT);
  }

  /** Gives back a reserved call that will not be made. */
  void release(PartnerEndpoint endpoint) {
    breaker(endpoint).releasePermission();
  }

  /**
   * Posts the payload, on a call {@link #reserve reserved} before; never throws for a partner
   * problem, which is in the response instead.
   */
  PartnerResponse send(Delivery delivery, PartnerEndpoint endpoint) {
    CircuitBreaker breaker = breaker(endpoint);
    long start = System.nanoTime();
    PartnerResponse response = post(delivery, endpoint);
    long elapsed = System.nanoTime() - start;
    if (response.retryable()) {
      breaker.onError(elapsed, TimeUnit.NANOSECONDS, new IllegalStateException(response.summary()));
    } else {
      breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
    }
    return response;
  }

  /** Every endpoint's breaker, for their metrics. */
  CircuitBreakerRegistry breakers() {
    return breakers;
  }

  /** Each partner endpoint's circuit-breaker state (CLOSED, OPEN, HALF_OPEN) by Endpoint id. */
  public Map<String, String> breakerStates() {
    Map<String, String> states = new java.util.TreeMap<>();
    breakers.getAllCircuitBreakers().forEach(b -> states.put(b.getName(), b.getState().name()));
    return states;
  }

  private CircuitBreaker breaker(PartnerEndpoint endpoint) {
    return breakers.circuitBreaker(endpoint.resourceId());
  }

  private PartnerResponse post(Delivery delivery, PartnerEndpoint endpoint) {
    String uri;
    try {
      uri = uri(endpoint, delivery.connection());
    } catch (IllegalStateException e) {
      return new PartnerResponse(null, null, e.getMessage());
    }
    Exchange exchange =
        producer.send(
            uri,
            ex -> {
              ex.getIn().setBody(delivery.payload());
              ex.getIn()
                  .setHeaders(
                      Map.of(
                          Exchange.HTTP_METHOD,
                          "POST",
                          Exchange.CONTENT_TYPE,
                          "application/fhir+json",
                          "Accept",
                          "application/fhir+json",
                          IDEMPOTENCY_KEY,
                          delivery.idempotencyKey(),
                          "X-Request-Id",
                          UUID.randomUUID().toString(),
                          "X-Correlation-Id",
                          delivery.idempotencyKey(),
                          REQUESTING_SOFTWARE,
                          GATEWAY_DEVICE));
            });
    if (exchange.getException() != null) {
      Throwable cause = exchange.getException();
      return PartnerResponse.noAnswer(
          "no answer from " + endpoint.resourceId() + ": " + cause.getClass().getSimpleName());
    }
    Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    String body = exchange.getMessage().getBody(String.class);
    Duration retryAfter =
        status != null && (status == 429 || status == 503)
            ? RetryAfter.wait(
                    exchange.getMessage().getHeader(RETRY_AFTER, String.class),
                    clock.instant(),
                    properties.delivery().maxRetryAfter())
                .orElse(null)
            : null;
    return new PartnerResponse(
        status, location(exchange, body), "HTTP " + status + issues(body), retryAfter);
  }

  private String uri(PartnerEndpoint endpoint, Connection connection) {
    String address = endpoint.address();
    if (address == null || !(address.startsWith("https://") || address.startsWith("http://"))) {
      throw new IllegalStateException(
          endpoint.resourceId() + " has no http(s) address; fix the directory entry");
    }
    String base = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    String target = connection == Connection.BARS_MESSAGE ? base + "/$process-message" : base;
    StringBuilder uri = new StringBuilder(target).append("?throwExceptionOnFailure=false");
    if (endpoint.credentials() != null) {
      if (!properties.credentials().containsKey(endpoint.credentials())) {
        throw new IllegalStateException(
            endpoint.resourceId()
                + " names credentials '"
                + endpoint.credentials()
                + "', which are not configured (routes.credentials."
                + endpoint.credentials()
                + ")");
      }
      uri.append("&sslContextParameters=#").append(tlsBeanName(endpoint.credentials()));
    }
    return uri.toString();
  }

  private String location(Exchange exchange, String body) {
    String header = exchange.getMessage().getHeader("Location", String.class);
    if (header != null) {
      return header;
    }
    IBaseResource parsed = parse(body);
    if (parsed instanceof Bundle bundle) {
      return bundle.getEntry().stream()
          .map(e -> e.getResponse().getLocation())
          .filter(l -> l != null && l.startsWith("ServiceRequest"))
          .findFirst()
          .orElse(null);
    }
    return null;
  }

  private String issues(String body) {
    if (parse(body) instanceof OperationOutcome outcome && outcome.hasIssue()) {
      String text = outcome.getIssueFirstRep().getDiagnostics();
      if (text == null) {
        text = outcome.getIssueFirstRep().getDetails().getText();
      }
      if (text != null) {
        return ": " + (text.length() > 300 ? text.substring(0, 300) : text);
      }
    }
    return "";
  }

  private IBaseResource parse(String body) {
    if (body == null || body.isBlank() || !body.trim().startsWith("{")) {
      return null;
    }
    try {
      return fhirContext.newJsonParser().parseResource(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void configureHttp(RoutesProperties.Delivery delivery) {
    for (String scheme : new String[] {"http", "https"}) {
      HttpComponent http = camel.getComponent(scheme, HttpComponent.class);
      http.setConnectTimeout((int) delivery.connectTimeout().toMillis());
      http.setResponseTimeout((int) delivery.responseTimeout().toMillis());
      http.setSoTimeout((int) delivery.responseTimeout().toMillis());
      // Retries are ours (Camel redelivery, counted and recorded), not the HTTP client's.
      http.setAutomaticRetriesDisabled(true);
      http.setFollowRedirects(false);
      // Keep-alive: a connection that presented a client certificate carries that certificate's
      // principal as its state, and the HTTP client reuses it only for a request with the same
      // state, which no delivery has: every delivery paid a TLS handshake (both key agreements,
      // a signature each way). Each endpoint URI names its credentials, so Camel keeps one pool
      // per partner address and credentials: a pooled connection is only ever reused with the
      // certificate it was opened with.
      http.setConnectionStateDisabled(true);
    }
    properties
        .credentials()
        .forEach(
            (name, credentials) -> camel.getRegistry().bind(tlsBeanName(name), tls(credentials)));
  }

  private static SSLContextParameters tls(RoutesProperties.Credentials credentials) {
    SSLContextParameters tls = new SSLContextParameters();
    KeyStoreParameters keys = new KeyStoreParameters();
    keys.setResource("file:" + credentials.keyStore().toAbsolutePath());
    keys.setPassword(credentials.keyStorePassword());
    keys.setType("PKCS12");
    KeyManagersParameters keyManagers = new KeyManagersParameters();
    keyManagers.setKeyStore(keys);
    keyManagers.setKeyPassword(credentials.keyStorePassword());
    tls.setKeyManagers(keyManagers);
    if (credentials.trustStore() != null) {
      KeyStoreParameters trust = new KeyStoreParameters();
      trust.setResource("file:" + credentials.trustStore().toAbsolutePath());
      trust.setPassword(credentials.trustStorePassword());
      trust.setType("PKCS12");
      TrustManagersParameters trustManagers = new TrustManagersParameters();
      trustManagers.setKeyStore(trust);
      tls.setTrustManagers(trustManagers);
    }
    return tls;
  }

  private static String tlsBeanName(String credentialsName) {
    return "partnerTls-" + credentialsName;
  }
}
