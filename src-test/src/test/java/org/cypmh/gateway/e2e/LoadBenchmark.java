package org.cypmh.gateway.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cypmh.gateway.e2e.LoadResult.Latencies;
import org.cypmh.gateway.e2e.LoadResult.Sample;
import org.cypmh.gateway.e2e.PairedRounds.Comparison;
import org.cypmh.gateway.e2e.PairedRounds.Contender;
import org.cypmh.gateway.e2e.Workload.Mix;

/**
 * The gateway's load benchmark: the packaged gateway as a process, WireMock partners over mTLS, and
 * partner traffic over HTTP ({@link Workload}: demo-pathway referrals, brief interventions,
 * transition care plans, GP pulls). Scenarios:
 *
 * <ol>
 *   <li>{@code intake}: saturation throughput (closed loop) and latency at fixed arrival rates;
 *   <li>{@code delivery}: intake-to-partner latency at a fixed rate;
 *   <li>{@code gp-pull}: GP pull latency with many stored referrals, on PostgreSQL (stored through
 *       the bare gateway in large Bundles, then the same database served by the full gateway);
 *   <li>{@code bare}: the same load against the same build with validation, consent, audit and
 *       routing off (plain HAPI JPA), alternating rounds, printing full/bare; both gateways are
 *       flight-recorded and the full gateway's extra CPU is attributed to its features.
 * </ol>
 *
 * Prints a table and writes JSON. Not a test (surefire does not pick it up); run it as the module
 * README says. Arguments: {@code --name=value}, see {@link LoadBenchmarkSettings}.
 */
public final class LoadBenchmark {

  /** Benchmark-only switches that make the gateway plain HAPI JPA (never set in a deployment). */
  static final List<String> BARE =
      List.of(
          "gateway.validation.enabled=false",
          "gateway.audit.enabled=false",
          "gateway.consent.enabled=false",
          "routes.enabled=false");

  private static final String QUIET = "logging.level.org.cypmh.gateway.requests=WARN";

  /**
   * The JVM options {@code gateway/bin/run.sh} starts the gateway with (keep them the same), so the
   * peak RSS measured is a deployment's.
   */
  static final List<String> RUN_SH_JVM_OPTIONS =
      List.of(
          "-Xms256m",
          "-Xmx640m",
          "-XX:MaxMetaspaceSize=384m",
          "-XX:ReservedCodeCacheSize=128m",
          "-Xss512k",
          "-XX:+UseG1GC",
          "-XX:G1PeriodicGCInterval=30000",
          "-XX:ThreadPriorityPolicy=1");

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  private static final double RATIO_WORTH_PROFILING = 0.8;
  // Seeding Bundles in flight at once: keeps the gateway's CPU busy while PostgreSQL commits.
  private static final int SEED_CLIENTS = 4;

  private final LoadBenchmarkSettings settings;
  private final BenchmarkReport report;
  private final Path root;

  /** The gateway someone else started, in {@code --target} mode; null when we start our own. */
  private GatewayClient target;

  private LoadBenchmark(LoadBenchmarkSettings settings, Path root) {
    this.settings = settings;
    this.report = new BenchmarkReport(settings.asMap());
    this.root = root;
  }

  public static void main(String[] args) throws Exception {
    LoadBenchmarkSettings settings = LoadBenchmarkSettings.parse(args);
    Path root =
        Path.of("target", "load-benchmark")
            .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
            .toAbsolutePath();
    Files.createDirectories(root);
    System.out.println("Load benchmark, work folder " + root + ", settings " + settings.asMap());
    LoadBenchmark benchmark = new LoadBenchmark(settings, root);
    int status = 0;
    try {
      benchmark.run();
    } catch (Exception e) {
      System.out.println("Benchmark stopped: " + e);
      e.printStackTrace(System.out);
      benchmark.report.finding("stoppedBy", e.toString());
      status = 1;
    }
    try {
      benchmark.report.print(System.out);
      benchmark.report.write(settings.out());
    } catch (IOException | RuntimeException e) {
      System.out.println("Result file not written: " + e);
      status = 1;
    } finally {
      // WireMock's threads would keep the JVM alive; exiting also drops the benchmark's database.
      System.exit(status);
    }
  }

  private void run() throws Exception {
    if (settings.target() != null) {
      runAgainstTarget();
      return;
    }
    // The first start of a build on JDK 25+ trains its AOT cache; no measured start should.
    GatewayProcess.prepare(settings.jdk(), root.resolve("prepare.log"));
    if (settings.runs("intake")
        || settings.runs("delivery")
        || settings.runs("bare")
        || settings.runs("audit")) {
      runOnEmbeddedDatabase();
    }
    if (settings.runs("gp-pull")) {
      runGpPulls();
    }
  }

  /** Scenario 1 only, against a gateway someone else started (no RSS, no partners of ours). */
  private void runAgainstTarget() throws Exception {
    GatewayClient client = new GatewayClient(settings.target(), REQUEST_TIMEOUT);
    target = client;
    try (GatewayFootprint footprint = new GatewayFootprint(client, null)) {
      Workload workload = new Workload(client, Mix.named(settings.mix()));
      warmUp(workload, "target");
      intake(workload, footprint, "target", false);
    }
  }

  /** Scenarios 1, 2 and 4 on the embedded default (H2), one full gateway throughout. */
  private void runOnEmbeddedDatabase() throws Exception {
    Path fullJfr = root.resolve("full.jfr");
    Path bareJfr = root.resolve("bare.jfr");
    Comparison bare = null;
    try (GatewayProcess full = start("full", root.resolve("full"), recording(fullJfr), List.of());
        GatewayFootprint footprint = footprint(full)) {
      Workload workload = new Workload(client(full), Mix.named(settings.mix()));
      warmUp(workload, "full");
      if (settings.runs("intake")) {
        intake(workload, footprint, "full", true);
      }
      if (settings.runs("delivery")) {
        delivery(workload, footprint);
      }
      Contender fullContender = new Contender("full", workload, footprint, true);
      if (settings.runs("bare")) {
        bare = compare("bare", fullContender, "bare", BARE, recording(bareJfr), false);
      }
      if (settings.runs("audit")) {
        compare(
            "audit",
            fullContender,
            "noaudit",
            List.of("gateway.audit.enabled=false"),
            List.of(),
            true);
      }
    }
    if (bare != null && settings.jfr()) {
      // The recordings are complete once both gateways have exited.
      attributeCosts(bare, fullJfr, bareJfr);
    }
  }

  private void warmUp(Workload workload, String gateway) throws InterruptedException {
    System.out.printf(
        "%s: warm-up %d s, %d clients%n",
        gateway, settings.warmUp().toSeconds(), settings.clients());
    PartnerDeliveries.reset();
    LoadResult warm = LoadDriver.closedLoop(workload, settings.clients(), settings.warmUp());
    System.out.printf(
        "%s: warm-up %.1f/s, %d errors %s%n",
        gateway, warm.throughput(), warm.errors(), warm.errorsByKind());
    if (target == null) {
      drain(warm);
    } else {
      awaitTargetBacklog(target);
    }
  }

  /** Scenario 1: saturation, then latency at each fixed rate. */
  private void intake(Workload workload, GatewayFootprint footprint, String gateway, boolean routes)
      throws InterruptedException {
    measure(
        "intake",
        "saturation " + settings.clients() + " clients",
        gateway,
        footprint,
        routes,
        () -> LoadDriver.closedLoop(workload, settings.clients(), settings.phase()));
    for (double rate : settings.rates()) {
      measure(
          "intake",
          String.format("fixed %.0f/s", rate),
          gateway,
          footprint,
          routes,
          () -> LoadDriver.fixedRate(workload, rate, settings.phase()));
    }
  }

  /** Scenario 2: from sending each referral to a partner receiving it, at a fixed rate. */
  private void delivery(Workload workload, GatewayFootprint footprint) throws InterruptedException {
    PartnerDeliveries.reset();
    footprint.reset();
    LoadResult result = LoadDriver.fixedRate(workload, settings.deliveryRate(), settings.phase());
    GatewayFootprint.Peaks peaks = footprint.peaks();
    long referrals = acceptedReferrals(result);
    PartnerDeliveries.awaitDelivered(referrals);
    Map<String, Long> receivedAt = PartnerDeliveries.receivedAt();
    List<Double> toPartner = new ArrayList<>();
    for (Sample sample : result.samples()) {
      Long at = sample.ok() ? receivedAt.get(sample.referralIdentifier()) : null;
      if (sample.kind().referral() && at != null) {
        toPartner.add((double) (at - sample.dueAtMillis()));
      }
    }
    Latencies endToEnd = Latencies.of(toPartner);
    Map<String, Object> more = new LinkedHashMap<>();
    more.put("referralsAccepted", referrals);
    more.put("deliveredToPartners", toPartner.size());
    more.put("notDelivered", referrals - toPartner.size());
    more.put("intakeToPartnerMs", endToEnd);
    more.put("cpuMsPerRequest", cpuPerRequest(footprint, result));
    report.phase(
        "delivery",
        String.format("fixed %.0f/s", settings.deliveryRate()),
        "full",
        result,
        peaks,
        more);
    report.finding("intakeToPartnerLatencyMs", endToEnd);
  }

  /** Scenario 4 (and the audit variant): a second gateway started beside the full one. */
  private Comparison compare(
      String scenario,
      Contender full,
      String otherName,
      List<String> switches,
      List<String> jvmOptions,
      boolean otherRoutes)
      throws Exception {
    try (GatewayProcess other = start(otherName, root.resolve(otherName), jvmOptions, switches);
        GatewayFootprint footprint = footprint(other)) {
      Workload workload = new Workload(client(other), Mix.named(settings.mix()));
      warmUp(workload, otherName);
      Contender contender = new Contender(otherName, workload, footprint, otherRoutes);
      Comparison comparison =
          PairedRounds.compare(
              scenario,
              full,
              contender,
              settings.rounds(),
              settings.clients(),
              settings.roundLeg(),
              report);
      System.out.printf(
          "%s: full %.1f/s, %s %.1f/s (medians); full/%s %.2f, median of round ratios %.2f%n",
          scenario,
          comparison.firstMedian(),
          otherName,
          comparison.secondMedian(),
          otherName,
          comparison.ratioOfMedians(),
          comparison.medianOfRoundRatios());
      report.finding(scenario + "Comparison", comparison);
      return comparison;
    }
  }

  /** Where the full gateway's extra CPU goes, from both recordings of the comparison's window. */
  private void attributeCosts(Comparison comparison, Path fullJfr, Path bareJfr)
      throws IOException {
    if (!Files.exists(fullJfr) || !Files.exists(bareJfr)) {
      report.finding("profile", "no flight recording found in " + root);
      return;
    }
    JfrHotspots.Profile full = JfrHotspots.read(fullJfr, comparison.from(), comparison.to());
    JfrHotspots.Profile bare = JfrHotspots.read(bareJfr, comparison.from(), comparison.to());
    List<JfrHotspots.FeatureCost> costs =
        JfrHotspots.extraCosts(
            full,
            comparison.acceptedByGateway().getOrDefault("full", 0L),
            bare,
            comparison.acceptedByGateway().getOrDefault("bare", 0L));
    boolean below = comparison.ratioOfMedians() < RATIO_WORTH_PROFILING;
    System.out.printf(
        "%nCPU samples per 1000 requests answered, full vs bare (full/bare %.2f%s); recordings %s,"
            + " %s%n",
        comparison.ratioOfMedians(), below ? ", below 0.8" : "", fullJfr, bareJfr);
    System.out.printf("  all samples: full %d, bare %d%n", full.samples(), bare.samples());
    List<JfrHotspots.FeatureCost> top = JfrHotspots.topFeatures(costs, 3);
    System.out.println("  top three gateway features by extra CPU per request:");
    top.forEach(cost -> printCost(cost));
    System.out.println("  every feature and layer (layers include the features' own work):");
    costs.forEach(cost -> printCost(cost));
    System.out.println(
        "  hottest methods of the full gateway (topmost frame outside the JDK): "
            + full.hottestMethods());
    report.finding("topThreeCostsOverBare", top);
    report.finding("cpuSamplesPerThousandRequests", costs);
    report.finding("hottestMethodsFull", full.hottestMethods());
    report.finding("hottestMethodsBare", bare.hottestMethods());
  }

  private static void printCost(JfrHotspots.FeatureCost cost) {
    System.out.printf(
        "    %-45s full %8.0f  bare %8.0f  extra %8.0f%n",
        cost.feature(), cost.fullPerThousand(), cost.barePerThousand(), cost.extraPerThousand());
  }

  /**
   * Scenario 3 on PostgreSQL: referrals stored through the bare gateway in large Bundles, then the
   * same database and index served by the full gateway while GPs pull care plans.
   */
  private void runGpPulls() throws Exception {
    EmptyPostgresDatabase database = EmptyPostgresDatabase.create();
    Path dataDir = root.resolve("postgres");
    List<String> postgres =
        List.of(
            "spring.profiles.active=postgres",
            "GATEWAY_DB_URL=" + database.jdbcUrl(),
            "GATEWAY_DB_USER=" + database.user(),
            "GATEWAY_DB_PASSWORD=",
            "GATEWAY_SCHEMA_MIGRATE_ON_START=true",
            "GATEWAY_AUDIT_KEYSTORE=" + root.resolve("audit.p12"),
            "GATEWAY_AUDIT_KEYSTORE_PASSWORD=load-benchmark",
            "gateway.audit.keys.generate=true");
    List<String> bareOnPostgres = new ArrayList<>(postgres);
    bareOnPostgres.addAll(BARE);
    StoredReferralsSeed.Seeded seeded;
    try (GatewayProcess bare = start("bare-pg", dataDir, List.of(), bareOnPostgres)) {
      System.out.printf(
          "gp-pull: storing %d referrals, %d per Bundle%n",
          settings.storedReferrals(), settings.seedBundle());
      seeded =
          StoredReferralsSeed.seed(
              client(bare),
              settings.storedReferrals(),
              settings.seedBundle(),
              SEED_CLIENTS,
              settings.seedLimit());
    }
    System.out.printf(
        "gp-pull: stored %d referrals (%d refused, %d not sent in the time limit) in %.0f s, %.0f/s;"
            + " %d young people with a care plan%n",
        seeded.referrals(),
        seeded.failed(),
        seeded.notSent(),
        seeded.seconds(),
        seeded.referralsPerSecond(),
        seeded.withCarePlan().size());
    report.finding(
        "gpPullSeed",
        Map.of(
            "referralsStored", seeded.referrals(),
            "referralsRefused", seeded.failed(),
            "referralsNotSentInTimeLimit", seeded.notSent(),
            "seconds", seeded.seconds(),
            "referralsPerSecond", seeded.referralsPerSecond(),
            "youngPeopleWithCarePlan", seeded.withCarePlan().size()));
    try (GatewayProcess full = start("full-pg", dataDir, List.of(), postgres);
        GatewayFootprint footprint = footprint(full)) {
      Workload pulls = new Workload(client(full), Mix.GP_PULLS);
      seeded.withCarePlan().forEach(pulls::hasCarePlan);
      // Pulls are short reads: at most 15 s of warm-up.
      Duration warmUp =
          settings.warmUp().compareTo(Duration.ofSeconds(15)) < 0
              ? settings.warmUp()
              : Duration.ofSeconds(15);
      LoadDriver.closedLoop(pulls, settings.pullClients(), warmUp);
      pulls.takePullsFindingCarePlan();
      measure(
          "gp-pull",
          String.format("%d stored, %d GPs", seeded.referrals(), settings.pullClients()),
          "full-pg",
          footprint,
          false,
          () -> LoadDriver.closedLoop(pulls, settings.pullClients(), settings.pullPhase()));
      report.finding("gpPullsFindingACarePlan", pulls.takePullsFindingCarePlan());
    }
  }

  /** A phase whose load is {@code load}, with memory peaks and (for a routing gateway) a drain. */
  private void measure(
      String scenario,
      String phase,
      String gateway,
      GatewayFootprint footprint,
      boolean routes,
      Load load)
      throws InterruptedException {
    PartnerDeliveries.reset();
    footprint.reset();
    LoadResult result = load.run();
    GatewayFootprint.Peaks peaks = footprint.peaks();
    Map<String, Object> more = new LinkedHashMap<>();
    if (routes) {
      long accepted = acceptedReferrals(result);
      // The backlog the phase leaves: referrals stored but not yet at a partner when load stops.
      more.put("referralsAccepted", accepted);
      more.put("deliveryBacklogAtEnd", accepted - PartnerDeliveries.receivedAt().size());
      long drainStart = System.nanoTime();
      more.put("deliveredToPartners", drain(result));
      more.put("drainSeconds", Duration.ofNanos(System.nanoTime() - drainStart).toSeconds());
    } else if (target != null) {
      more.put("drainSeconds", awaitTargetBacklog(target));
    }
    more.put("cpuMsPerRequest", cpuPerRequest(footprint, result));
    report.phase(scenario, phase, gateway, result, peaks, more);
  }

  /**
   * The gateway's CPU time since the phase began (its load and, for a routing gateway, the delivery
   * of what it accepted) per request answered 2xx; -1 when unknown.
   */
  static double cpuPerRequest(GatewayFootprint footprint, LoadResult result) {
    long cpu = footprint.cpuMillisSinceReset();
    return cpu < 0 || result.accepted() == 0
        ? -1
        : Math.round(cpu * 10.0 / result.accepted()) / 10.0;
  }

  @FunctionalInterface
  private interface Load {
    LoadResult run() throws InterruptedException;
  }

  /** Waits for the partners to receive the referrals of a phase, so the next starts clean. */
  private static int drain(LoadResult result) throws InterruptedException {
    return PartnerDeliveries.awaitDelivered(acceptedReferrals(result));
  }

  /**
   * Waits for a gateway someone else started to route and deliver what it accepted, by its own
   * backlog gauges (its partners are not ours to count), so that the next phase (a fixed rate after
   * saturation) does not pay for the last one's catch-up. Returns the seconds waited; -1 if the
   * gauges cannot be read, or still show a backlog after five minutes.
   */
  private static long awaitTargetBacklog(GatewayClient gateway) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      PrometheusScrape scrape;
      try {
        scrape = PrometheusScrape.read(gateway);
      } catch (RuntimeException unreadable) {
        return -1;
      }
      if (!scrape.names().contains("gateway_delivery_backlog")) {
        return -1;
      }
      if (scrape.value("gateway_delivery_backlog") + scrape.value("gateway_outbox_backlog") == 0) {
        return Duration.ofNanos(System.nanoTime() - start).toSeconds();
      }
      Thread.sleep(500);
    }
    return -1;
  }

  static long acceptedReferrals(LoadResult result) {
    return result.samples().stream().filter(s -> s.ok() && s.kind().referral()).count();
  }

  private GatewayProcess start(
      String name, Path dataDir, List<String> jvmOptions, List<String> switches)
      throws IOException {
    Files.createDirectories(dataDir);
    List<String> extra = new ArrayList<>(List.of(QUIET));
    extra.addAll(settings.properties());
    extra.addAll(switches);
    System.out.printf(
        "starting the %s gateway%s%n", name, switches.isEmpty() ? "" : " " + switches);
    List<String> jvm = new ArrayList<>(RUN_SH_JVM_OPTIONS);
    jvm.addAll(settings.jvmOptions());
    jvm.addAll(jvmOptions);
    GatewayProcess process =
        GatewayProcess.start(
            dataDir,
            root.resolve(name + ".log"),
            jvm,
            settings.jdk(),
            PartnerNetwork.processSettings(extra.toArray(String[]::new)));
    report.startedUp(name, process);
    return process;
  }

  /** JVM options that record the whole life of a gateway, written when it exits. */
  private List<String> recording(Path file) {
    return settings.jfr()
        ? List.of("-XX:StartFlightRecording=settings=default,dumponexit=true,filename=" + file)
        : List.of();
  }

  private static GatewayClient client(GatewayProcess process) {
    return new GatewayClient("http://localhost:" + process.port(), REQUEST_TIMEOUT);
  }

  private static GatewayFootprint footprint(GatewayProcess process) {
    return new GatewayFootprint(client(process), process.pid());
  }
}
