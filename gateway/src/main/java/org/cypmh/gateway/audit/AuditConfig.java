package org.cypmh.gateway.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cypmh.gateway.jobs.SingletonJobs;
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
      AuditSealer sealer,
      AuditRetention retention,
      AuditProperties properties,
      SingletonJobs jobs) {
    return new AuditSchedule(sealer, retention, properties, jobs);
  }

  /**
   * Seals every interval, purges expired records hourly, each on one node at a time and one node
   * per interval ({@link SingletonJobs}); a last seal on shutdown unless another node is sealing.
   */
  static final class AuditSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditSchedule.class);

    static final String SEALING = "audit-sealing";
    static final String RETENTION = "audit-retention";
    private static final Duration RETENTION_INTERVAL = Duration.ofHours(1);

    /**
     * Sealing a backlog goes batch by batch, a second or so each; a node that dies while sealing
     * holds sealing up for at most this long.
     */
    private static final Duration SEALING_AT_MOST = Duration.ofMinutes(5);

    /** A purge deletes a few seals' records; generous, as the next purge is an hour away anyway. */
    private static final Duration RETENTION_AT_MOST = Duration.ofMinutes(30);

    private final AuditSealer sealer;
    private final AuditRetention retention;
    private final AuditProperties properties;
    private final SingletonJobs jobs;
    private ScheduledExecutorService executor;

    AuditSchedule(
        AuditSealer sealer,
        AuditRetention retention,
        AuditProperties properties,
        SingletonJobs jobs) {
      this.sealer = sealer;
      this.retention = retention;
      this.properties = properties;
      this.jobs = jobs;
    }

    @Override
    public void start() {
      executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread thread = new Thread(r, "audit-sealer");
                thread.setDaemon(true);
                // Background work, like routing and delivery (routes' BackgroundThreads).
                thread.setPriority(Thread.MIN_PRIORITY);
                return thread;
              });
      Duration sealInterval = properties.sealInterval();
      executor.scheduleWithFixedDelay(
          () ->
              safely(
                  "sealing",
                  () ->
                      jobs.runOnSchedule(
                          SEALING, sealInterval, SEALING_AT_MOST, sealer::sealPending)),
          sealInterval.toMillis(),
          sealInterval.toMillis(),
          TimeUnit.MILLISECONDS);
      executor.scheduleWithFixedDelay(
          () ->
              safely(
                  "retention",
                  () ->
                      jobs.runOnSchedule(
                          RETENTION,
                          RETENTION_INTERVAL,
                          RETENTION_AT_MOST,
                          retention::purgeExpired)),
          1,
          RETENTION_INTERVAL.toMinutes(),
          TimeUnit.MINUTES);
    }

    @Override
    public void stop() {
      executor.shutdown();
      try {
        executor.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      safely("sealing", () -> jobs.runNow(SEALING, SEALING_AT_MOST, sealer::sealPending));
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
