package org.cypmh.routes.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How referrals are routed and delivered ({@code routes.*}).
 *
 * @param enabled route and deliver accepted referrals (default true); {@code false} only for the
 *     load benchmark's bare-HAPI comparison, never in a deployment: referrals are then stored
 *     without a tracking Task or outbox event, and nothing is delivered
 * @param folder folder of route files ({@code *.yaml}, Camel YAML DSL) and directory files ({@code
 *     directory/*.json}); watched, so a changed route file takes effect without restart. Empty (the
 *     default): the packaged demo routes and directory.
 * @param outbox how referral events are claimed
 * @param delivery how deliveries to partners are sent and retried
 * @param credentials client certificates and trust stores for partner endpoints, by the name an
 *     Endpoint's credentials extension gives
 */
@Validated
@ConfigurationProperties("routes")
public record RoutesProperties(
    @DefaultValue("true") boolean enabled,
    Path folder,
    @Valid @NotNull Outbox outbox,
    @Valid @NotNull Delivery delivery,
    Map<String, @Valid Credentials> credentials) {

  public RoutesProperties {
    credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
  }

  /**
   * @param pollInterval how often each node looks for new events (default 200 ms)
   * @param batchSize events claimed per poll (default 20)
   * @param concurrency events routed in parallel per node (default 2)
   * @param lease how long a claim lasts before another node may take the event over (default 1 min)
   * @param retryDelay wait before an event whose routing failed is tried again (default 30 s)
   */
  public record Outbox(
      @NotNull Duration pollInterval,
      @Min(1) @Max(500) int batchSize,
      @Min(1) @Max(64) int concurrency,
      @NotNull Duration lease,
      @NotNull Duration retryDelay) {}

  /**
   * @param pollInterval how often each node looks for due or abandoned deliveries (default 1 s)
   * @param concurrency deliveries sent in parallel per node (default 8)
   * @param connectTimeout TCP/TLS connect timeout to a partner (default 5 s)
   * @param responseTimeout wait for a partner's response (default 20 s)
   * @param maxRedeliveries retries after the first attempt before a dead letter (default 6)
   * @param redeliveryDelay wait before the first retry; doubles each retry (default 2 s)
   * @param maxRedeliveryDelay longest wait between retries (default 5 min)
   * @param lease how long a node holds a delivery it has claimed; must cover one attempt (the
   *     connect and response timeouts) and its wait in the node's queue, after it another node
   *     resumes the delivery (default 2 min)
   * @param breakerFailureRate percentage of failed calls that opens an endpoint's circuit breaker
   *     (default 50)
   * @param breakerOpenFor how long an open breaker refuses calls before testing the partner again
   *     (default 30 s)
   * @param maxRetryAfter the longest wait a partner's {@code Retry-After} (on 429 or 503) can
   *     impose before the next attempt; a longer one is cut to this (default 5 min)
   * @param shutdownTimeout how long a stopping node lets its attempts under way finish before it
   *     hands back what it holds (default 20 s)
   */
  public record Delivery(
      @NotNull Duration pollInterval,
      @Min(1) @Max(64) int concurrency,
      @NotNull Duration connectTimeout,
      @NotNull Duration responseTimeout,
      @Min(0) @Max(50) int maxRedeliveries,
      @NotNull Duration redeliveryDelay,
      @NotNull Duration maxRedeliveryDelay,
      @NotNull Duration lease,
      @DecimalMin("1") @Max(100) float breakerFailureRate,
      @NotNull Duration breakerOpenFor,
      @NotNull Duration maxRetryAfter,
      @NotNull Duration shutdownTimeout) {

    public Delivery {
      if (lease != null
          && connectTimeout != null
          && responseTimeout != null
          && lease.compareTo(connectTimeout.plus(responseTimeout)) <= 0) {
        // A call still under way when its lease runs out is sent again by another node: the
        // partner gets it twice (under one idempotency key, but twice).
        throw new IllegalArgumentException(
            "routes.delivery.lease ("
                + lease
                + ") must be longer than routes.delivery.connect-timeout plus response-timeout ("
                + connectTimeout.plus(responseTimeout)
                + "): an attempt must end before another node may take the delivery over");
      }
    }
  }

  /**
   * @param keyStore PKCS12 file with the gateway's client key and certificate chain
   * @param keyStorePassword its password
   * @param trustStore PKCS12 file with the CA certificates the partner's server certificate must
   *     chain to; empty: the JVM's default trust
   * @param trustStorePassword its password
   */
  public record Credentials(
      @NotNull Path keyStore,
      @NotBlank String keyStorePassword,
      Path trustStore,
      String trustStorePassword) {}
}
