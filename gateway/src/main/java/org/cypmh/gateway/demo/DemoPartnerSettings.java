package org.cypmh.gateway.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Points the delivery pipeline at the demo partner network: {@code routes.demo.partner-base-url}
 * and {@code routes.credentials.demo-partners.*} (the gateway's client certificate from the dev CA
 * and a trust store holding the dev CA, made at start by {@link DemoPartnerNetwork}). These are
 * defaults, last in precedence: any configured value wins, and then the network stands aside.
 */
public class DemoPartnerSettings implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE = "demo-partner-network";
  static final String BASE_URL = "routes.demo.partner-base-url";
  static final String KEY_STORE = "routes.credentials.demo-partners.key-store";
  static final String PASSWORD = "changeit";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getProperty("gateway.security.demo", Boolean.class, false)
        || !environment.getProperty("gateway.demo-partners.enabled", Boolean.class, false)) {
      return;
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(BASE_URL, "https://localhost:${gateway.demo-partners.port:9443}");
    settings.put(KEY_STORE, "${gateway.security.pki-dir}/demo-partners/gateway-client.p12");
    settings.put("routes.credentials.demo-partners.key-store-password", PASSWORD);
    settings.put(
        "routes.credentials.demo-partners.trust-store",
        "${gateway.security.pki-dir}/demo-partners/trust.p12");
    settings.put("routes.credentials.demo-partners.trust-store-password", PASSWORD);
    environment.getPropertySources().addLast(new MapPropertySource(SOURCE, settings));
  }

  /**
   * Whether the delivery pipeline uses the demo network's settings: no other source configures the
   * partner base URL or the demo-partners credentials (tests with their own partners, a
   * deployment).
   */
  static boolean inCharge(ConfigurableEnvironment environment) {
    return SOURCE.equals(firstSourceOf(environment, BASE_URL))
        && SOURCE.equals(firstSourceOf(environment, KEY_STORE));
  }

  private static String firstSourceOf(ConfigurableEnvironment environment, String key) {
    for (PropertySource<?> source : environment.getPropertySources()) {
      // Spring Boot's view of all the others comes first; skip it.
      if ("configurationProperties".equals(source.getName())) {
        continue;
      }
      if (source.containsProperty(key)) {
        return source.getName();
      }
    }
    return null;
  }

  @Override
  public int getOrder() {
    return ConfigDataEnvironmentPostProcessor.ORDER + 1;
  }
}
