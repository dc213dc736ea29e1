package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a gateway spent its CPU, from a flight recording's {@code jdk.ExecutionSample} events (the
 * same data as {@code jfr print --events jdk.ExecutionSample}): each sample's stack is attributed
 * to every gateway feature it passes through (validation, audit, consent, routing, ...), so a
 * feature's count is its inclusive cost. Comparing the full gateway with the bare one per request
 * answered names what the full gateway's extra work is.
 */
final class JfrHotspots {

  /** A feature and the class-name prefixes of its frames. Order matters only for printing. */
  private static final Map<String, List<String>> FEATURES = new LinkedHashMap<>();

  /**
   * Layers every request passes through, full or bare: they say where time goes (a feature's
   * database writes count in both), not which gateway feature costs it.
   */
  private static final Set<String> LAYERS =
      Set.of(
          "full-text index (Hibernate Search, Lucene)",
          "FHIR JSON parse and encode",
          "database (Hibernate ORM, JDBC, H2)",
          "HAPI JPA storage and search");

  static {
    FEATURES.put(
        "profile validation",
        List.of(
            "org.cypmh.gateway.validation.",
            "org.cypmh.profiles.",
            "ca.uhn.fhir.validation.",
            "org.hl7.fhir.common.hapi.validation.",
            "org.hl7.fhir.validation.",
            "org.hl7.fhir.r5.",
            "ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor"));
    FEATURES.put("terminology", List.of("org.cypmh.terminology.", "ca.uhn.fhir.jpa.term."));
    FEATURES.put(
        "audit trail",
        List.of("org.cypmh.gateway.audit.", "ca.uhn.fhir.storage.interceptor.balp."));
    FEATURES.put(
        "consent",
        List.of("org.cypmh.gateway.consent.", "ca.uhn.fhir.rest.server.interceptor.consent."));
    FEATURES.put("routing and delivery", List.of("org.cypmh.routes.", "org.apache.camel."));
    FEATURES.put("intake (tracking Task, idempotency)", List.of("org.cypmh.gateway.intake."));
    FEATURES.put(
        "full-text index (Hibernate Search, Lucene)",
        List.of("org.hibernate.search.", "org.apache.lucene."));
    FEATURES.put("FHIR JSON parse and encode", List.of("ca.uhn.fhir.parser."));
    FEATURES.put(
        "database (Hibernate ORM, JDBC, H2)",
        List.of(
            "org.hibernate.engine.",
            "org.hibernate.event.",
            "org.hibernate.internal.",
            "org.hibernate.loader.",
            "org.hibernate.persister.",
            "org.hibernate.query.",
            "org.hibernate.sql.",
            "org.h2.",
            "org.postgresql.",
            "com.zaxxer.hikari."));
    FEATURES.put("HAPI JPA storage and search", List.of("ca.uhn.fhir.jpa."));
  }

  /**
   * Samples of one gateway in a time window: total, per feature (inclusive), and the hottest
   * methods (the topmost frame outside the JDK).
   */
  record Profile(long samples, Map<String, Long> byFeature, Map<String, Long> hottestMethods) {}

  /** A feature's cost in CPU samples per thousand requests answered, full and bare. */
  record FeatureCost(String feature, double fullPerThousand, double barePerThousand) {

    double extraPerThousand() {
      return fullPerThousand - barePerThousand;
    }

    boolean isLayer() {
      return LAYERS.contains(feature);
    }
  }

  private JfrHotspots() {}

  static Profile read(Path recording, Instant from, Instant to) throws IOException {
    long samples = 0;
    Map<String, Long> byFeature = new LinkedHashMap<>();
    FEATURES.keySet().forEach(f -> byFeature.put(f, 0L));
    Map<String, Long> methods = new TreeMap<>();
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!"jdk.ExecutionSample".equals(event.getEventType().getName())
            || event.getStartTime().isBefore(from)
            || event.getStartTime().isAfter(to)
            || event.getStackTrace() == null) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        frames.stream()
            .filter(frame -> !isJdk(frame))
            .findFirst()
            .ifPresent(frame -> methods.merge(method(frame), 1L, Long::sum));
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
          String type = frame.getMethod().getType().getName();
          for (var feature : FEATURES.entrySet()) {
            if (!seen.contains(feature.getKey())
                && feature.getValue().stream().anyMatch(type::startsWith)) {
              seen.add(feature.getKey());
            }
          }
        }
        seen.forEach(f -> byFeature.merge(f, 1L, Long::sum));
      }
    }
    Map<String, Long> hottest = new LinkedHashMap<>();
    methods.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> hottest.put(e.getKey(), e.getValue()));
    return new Profile(samples, byFeature, hottest);
  }

  /**
   * Features ordered by what the full gateway spends on them per request beyond what the bare one
   * does, largest first.
   */
  static List<FeatureCost> extraCosts(
      Profile full, long fullRequests, Profile bare, long bareRequests) {
    List<FeatureCost> costs = new ArrayList<>();
    for (String feature : FEATURES.keySet()) {
      costs.add(
          new FeatureCost(
              feature,
              perThousand(full.byFeature().get(feature), fullRequests),
              perThousand(bare.byFeature().get(feature), bareRequests)));
    }
    costs.sort(Comparator.comparingDouble(FeatureCost::extraPerThousand).reversed());
    return costs;
  }

  /** The gateway features (not layers) with the largest extra cost, largest first. */
  static List<FeatureCost> topFeatures(List<FeatureCost> costs, int count) {
    return costs.stream().filter(c -> !c.isLayer()).limit(count).toList();
  }

  private static double perThousand(long samples, long requests) {
    return requests == 0 ? 0 : samples * 1000.0 / requests;
  }

  /** JDK frames (collections, strings) say little; the first library or gateway frame says more. */
  private static boolean isJdk(RecordedFrame frame) {
    String type = frame.getMethod().getType().getName();
    return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.");
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }
}
