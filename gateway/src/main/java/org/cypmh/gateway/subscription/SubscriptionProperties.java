package org.cypmh.gateway.subscription;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where partners' subscriptions may deliver ({@code gateway.subscriptions.*}).
 *
 * @param allowedEndpoints URL prefixes (e.g. {@code https://hooks.gp-supplier.example/}) any
 *     partner's subscription may name, besides the addresses of its own organisation's directory
 *     Endpoints; empty by default, so a partner is notified only where the directory says it
 *     receives.
 */
@ConfigurationProperties("gateway.subscriptions")
public record SubscriptionProperties(@DefaultValue List<String> allowedEndpoints) {

  public SubscriptionProperties {
    allowedEndpoints = allowedEndpoints == null ? List.of() : List.copyOf(allowedEndpoints);
  }
}
