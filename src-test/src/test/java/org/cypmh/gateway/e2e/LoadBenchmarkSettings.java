package org.cypmh.gateway.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The load benchmark's settings, from {@code --name=value} arguments; the defaults are the full run
 * (about 25 minutes on 2 cores). Durations are in seconds.
 *
 * @param scenarios which to run: {@code intake} (saturation and fixed rates), {@code delivery}
 *     (intake-to-partner), {@code gp-pull} (GP pulls with many stored referrals, PostgreSQL),
 *     {@code bare} (full gateway versus bare HAPI JPA); {@code audit} (audit on versus off) only
 *     when asked for
 * @param target base URL of a gateway already running (e.g. {@code http://localhost:8080}): only
 *     the intake scenario runs, against it; null starts the packaged gateway
 * @param warmUp closed-loop warm-up of each started gateway before it is measured
 * @param phase length of each measured intake and delivery phase
 * @param clients closed-loop clients for saturation phases and comparison rounds
 * @param rates fixed arrival rates (requests per second) for the intake latency phases
 * @param deliveryRate arrival rate of the delivery-latency phase
 * @param rounds alternating rounds of the full/bare (and audit) comparison
 * @param roundLeg length of one gateway's leg in a comparison round
 * @param storedReferrals referrals stored before the GP pulls are measured
 * @param seedBundle referrals per seeding transaction Bundle
 * @param seedLimit longest time spent storing them; what is not stored by then is left out and
 *     reported (the GP pulls are then measured on fewer referrals, as the result says)
 * @param pullClients closed-loop GP clients pulling care plans
 * @param pullPhase length of the measured GP-pull phase
 * @param mix the requests sent: {@code partner-traffic} (demo-pathway referrals, brief
 *     interventions, care plans, GP pulls) or {@code wrk-script} (only the shared wrk script's
 *     referral, {@link ScriptReferral}, to compare with plain HAPI measured by wrk)
 * @param jfr record the compared gateways with Java Flight Recorder and attribute their CPU
 * @param jdk the JDK the gateways run on: {@code deployment} (what {@code run.sh} chooses: a JDK
 *     25+ with its AOT cache when one is installed) or {@code tests} (the JDK running the
 *     benchmark)
 * @param out the JSON result file
 * @param jvmOptions JVM options added after {@code run.sh}'s defaults for every gateway started
 *     (space-separated, e.g. {@code -XX:G1HeapRegionSize=2m}): to measure a deployment's choice
 * @param properties gateway properties for every gateway started (comma-separated {@code
 *     name=value}, e.g. {@code
 *     spring.jpa.properties.hibernate.search.indexing.plan.synchronization.strategy=async})
 */
record LoadBenchmarkSettings(
    Set<String> scenarios,
    String target,
    Duration warmUp,
    Duration phase,
    int clients,
    List<Double> rates,
    double deliveryRate,
    int rounds,
    Duration roundLeg,
    int storedReferrals,
    int seedBundle,
    Duration seedLimit,
    int pullClients,
    Duration pullPhase,
    String mix,
    boolean jfr,
    GatewayProcess.Jdk jdk,
    Path out,
    List<String> jvmOptions,
    List<String> properties) {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("scenarios", "intake,delivery,gp-pull,bare");
    DEFAULTS.put("target", "");
    DEFAULTS.put("warm-up", "60");
    DEFAULTS.put("phase", "60");
    DEFAULTS.put("clients", "16");
    DEFAULTS.put("rates", "10,50,100");
    DEFAULTS.put("delivery-rate", "20");
    DEFAULTS.put("rounds", "3");
    DEFAULTS.put("round-leg", "30");
    DEFAULTS.put("stored-referrals", "100000");
    DEFAULTS.put("seed-bundle", "100");
    DEFAULTS.put("seed-limit", "360");
    DEFAULTS.put("pull-clients", "4");
    DEFAULTS.put("pull-phase", "60");
    DEFAULTS.put("mix", "partner-traffic");
    DEFAULTS.put("jfr", "true");
    DEFAULTS.put("jdk", "deployment");
    DEFAULTS.put("out", "target/load-benchmark/result.json");
    DEFAULTS.put("jvm-options", "");
    DEFAULTS.put("properties", "");
  }

  static LoadBenchmarkSettings parse(String... args) {
    Map<String, String> values = new HashMap<>(DEFAULTS);
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("Expected --name=value, got " + arg + usage());
      }
      String name = arg.substring(2, arg.indexOf('='));
      if (!DEFAULTS.containsKey(name)) {
        throw new IllegalArgumentException("Unknown setting --" + name + usage());
      }
      values.put(name, arg.substring(arg.indexOf('=') + 1));
    }
    return new LoadBenchmarkSettings(
        Set.copyOf(Arrays.asList(values.get("scenarios").split(","))),
        values.get("target").isBlank() ? null : values.get("target"),
        seconds(values.get("warm-up")),
        seconds(values.get("phase")),
        Integer.parseInt(values.get("clients")),
        Arrays.stream(values.get("rates").split(",")).map(Double::valueOf).toList(),
        Double.parseDouble(values.get("delivery-rate")),
        Integer.parseInt(values.get("rounds")),
        seconds(values.get("round-leg")),
        Integer.parseInt(values.get("stored-referrals")),
        Integer.parseInt(values.get("seed-bundle")),
        seconds(values.get("seed-limit")),
        Integer.parseInt(values.get("pull-clients")),
        seconds(values.get("pull-phase")),
        values.get("mix"),
        Boolean.parseBoolean(values.get("jfr")),
        GatewayProcess.Jdk.valueOf(values.get("jdk").toUpperCase(Locale.ROOT)),
        Path.of(values.get("out")),
        words(values.get("jvm-options"), " "),
        words(values.get("properties"), ","));
  }

  boolean runs(String scenario) {
    return scenarios.contains(scenario);
  }

  /** The settings as given, for the JSON result. */
  Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("scenarios", scenarios);
    map.put("target", target);
    map.put("warmUpSeconds", warmUp.toSeconds());
    map.put("phaseSeconds", phase.toSeconds());
    map.put("clients", clients);
    map.put("rates", rates);
    map.put("deliveryRate", deliveryRate);
    map.put("rounds", rounds);
    map.put("roundLegSeconds", roundLeg.toSeconds());
    map.put("storedReferrals", storedReferrals);
    map.put("seedBundle", seedBundle);
    map.put("seedLimitSeconds", seedLimit.toSeconds());
    map.put("pullClients", pullClients);
    map.put("pullPhaseSeconds", pullPhase.toSeconds());
    map.put("mix", mix);
    map.put("jfr", jfr);
    map.put("jdk", jdk.name().toLowerCase(Locale.ROOT));
    map.put("jvmOptions", jvmOptions);
    map.put("properties", properties);
    map.put("cores", Runtime.getRuntime().availableProcessors());
    map.put("java", System.getProperty("java.version"));
    return map;
  }

  private static List<String> words(String value, String separator) {
    return Arrays.stream(value.split(separator))
        .map(String::strip)
        .filter(w -> !w.isEmpty())
        .toList();
  }

  private static Duration seconds(String value) {
    return Duration.ofSeconds(Long.parseLong(value));
  }

  private static String usage() {
    return "; settings and defaults: " + DEFAULTS;
  }
}
