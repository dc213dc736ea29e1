package org.cypmh.gateway.audit;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The audit trail's keys, its refused-request filter, and the sealing and retention schedule. */
@Configuration(proxyBeanMethods = false)
class AuditConfig {

  @Bean
  AuditKeys auditKeys(AuditProperties properties) {
    return AuditKeys.load(properties.keys());
  }

  @Bean
  FilterRegistrationBean<RefusedRequestAudit> refusedRequestAudit(
      AuditTrail trail, AuditProperties properties, Clock clock) {
    FilterRegistrationBean<RefusedRequestAudit> registration =
        new FilterRegistrationBean<>(new RefusedRequestAudit(trail, clock));
    // The FHIR API, the partner admin API and the token endpoint (refused client assertions).
    registration.addUrlPatterns("/fhir/*", "/admin/*", "/oauth2/*");
    // Outside every other filter (size limit, authentication, rate limit).
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setEnabled(properties.enabled());
    return registration;
  }

  @Bean
  SmartLifecycle auditSchedule(
      AuditSealer sealer, AuditRetention retention, AuditProperties properties) {
    return new AuditSchedule(sealer, retention, properties);
  }

  /** Seals every interval, purges expired records hourly; a last seal on shutdown. */
  static final class AuditSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

    private final AuditSealer sealer;
    private final AuditRetention retention;
    private final AuditProperties properties;
    private ScheduledExecutorService executor;

    AuditSchedule(AuditSealer sealer, AuditRetention retention, AuditProperties properties) {
      this.sealer = sealer;
      this.retention = retention;
      this.properties = properties;
    }

    @Override
    public void start() {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "audit-sealer");
                thread.setDaemon(true);
                return thread;
              });
      long interval = properties.sealInterval().toMillis();
      executor.scheduleWithFixedDelay(
          () -> safely("sealing", sealer::sealPending), interval, interval, TimeUnit.MILLISECONDS);
      executor.scheduleWithFixedDelay(
          () -> safely("retention", retention::purgeExpired), 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void stop() {
      executor.shutdown();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      safely("sealing", sealer::sealPending);
      executor = null;
    }

    @Override
    public boolean isRunning() {
      return executor != null;
    }

    @Override
    public int getPhase() {
      // Stops after the web server has drained its requests (lower phases stop later).
      return Integer.MAX_VALUE - 2048;
    }

    private static void safely(String what, Runnable task) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("Audit {} failed, will try again: {}", what, e.getClass().getSimpleName());
      }
    }
  }
}
