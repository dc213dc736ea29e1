package org.cypmh.gateway.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cypmh.gateway.e2e.LoadResult.Latencies;
import org.cypmh.gateway.e2e.Workload.Kind;

/**
 * The benchmark's results: one row per measured phase (throughput, latency percentiles, errors,
 * memory), gateway start-up times, the full/bare comparison and anything else a run measured;
 * printed as a plain-text table and written as JSON so runs can be compared.
 */
final class BenchmarkReport {

  /** One measured phase against one gateway. Latencies in ms, memory in MiB (-1: unknown). */
  record Phase(
      String scenario,
      String phase,
      String gateway,
      long sent,
      long accepted,
      long errors,
      int unsent,
      double wallSeconds,
      double throughputPerSecond,
      Latencies latency,
      Map<Kind, Latencies> latencyByKind,
      Map<String, Long> errorsByKind,
      Map<String, String> firstErrorBodies,
      long heapPeakMb,
      long rssPeakMb,
      Map<String, Object> more) {}

  private final Instant started = Instant.now();
  private final Map<String, Object> settings;
  private final Map<String, Long> startUpMillis = new LinkedHashMap<>();
  private final Map<String, String> gatewayJava = new LinkedHashMap<>();
  private final List<Phase> phases = new ArrayList<>();
  private final Map<String, Object> findings = new LinkedHashMap<>();

  BenchmarkReport(Map<String, Object> settings) {
    this.settings = settings;
  }

  void startedUp(String gateway, GatewayProcess process) throws IOException {
    String java = process.javaVersion();
    startUpMillis.put(gateway, process.startUp().toMillis());
    gatewayJava.put(gateway, java);
    System.out.printf(
        "%s gateway ready in %.1f s on Java %s%n",
        gateway, process.startUp().toMillis() / 1e3, java);
  }

  /** Records a phase and prints its row at once, so a long run shows progress. */
  Phase phase(
      String scenario,
      String phase,
      String gateway,
      LoadResult result,
      GatewayFootprint.Peaks peaks,
      Map<String, Object> more) {
    Map<Kind, Latencies> byKind = new TreeMap<>();
    for (Kind kind : Kind.values()) {
      Latencies latencies = result.latencies(s -> s.kind() == kind);
      if (latencies.count() > 0) {
        byKind.put(kind, latencies);
      }
    }
    Phase row =
        new Phase(
            scenario,
            phase,
            gateway,
            result.samples().size(),
            result.accepted(),
            result.errors(),
            result.unsent(),
            result.wallSeconds(),
            result.throughput(),
            result.latencies(),
            byKind,
            result.errorsByKind(),
            result.firstErrorBodies(),
            peaks.heapMb(),
            peaks.rssMb(),
            more);
    phases.add(row);
    printRow(System.out, row);
    row.errorsByKind().forEach((key, count) -> System.out.printf("    error %s x%d%n", key, count));
    row.firstErrorBodies()
        .forEach(
            (key, body) -> System.out.printf("    first %s: %s%n", key, body.replace('\n', ' ')));
    more.forEach((key, value) -> System.out.printf("    %s: %s%n", key, value));
    return row;
  }

  /** A result that is not a phase row: a ratio, a seeding rate, a profile. */
  void finding(String name, Object value) {
    findings.put(name, value);
  }

  void print(PrintStream out) {
    out.println();
    out.println(
        "Gateway start-up (launch to ready): " + startUpMillis + " ms, on Java " + gatewayJava);
    out.println();
    out.println(header());
    out.println("-".repeat(header().length()));
    phases.forEach(row -> printRow(out, row));
    out.println();
    out.println("Per request kind (ms, p50/p95/p99):");
    for (Phase row : phases) {
      row.latencyByKind()
          .forEach(
              (kind, l) ->
                  out.printf(
                      "  %-10s %-22s %-7s %-20s n=%-6d %8.0f %8.0f %8.0f%n",
                      row.scenario(),
                      row.phase(),
                      row.gateway(),
                      kind,
                      l.count(),
                      l.p50(),
                      l.p95(),
                      l.p99()));
    }
    out.println();
    findings.forEach((name, value) -> out.println(name + ": " + value));
  }

  void write(Path json) throws IOException {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("startedAt", started.toString());
    document.put("finishedAt", Instant.now().toString());
    document.put("settings", settings);
    document.put("startUpMillis", startUpMillis);
    document.put("gatewayJava", gatewayJava);
    document.put("phases", phases);
    document.put("findings", findings);
    Files.createDirectories(json.toAbsolutePath().getParent());
    // Timestamps (the comparison's window) as ISO-8601 text: Jackson has no java.time support here.
    new ObjectMapper()
        .registerModule(
            new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance))
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(json.toFile(), document);
    System.out.println("JSON written to " + json.toAbsolutePath());
  }

  private static String header() {
    return String.format(
        "%-10s %-22s %-7s %7s %7s %6s %6s %8s %8s %8s %8s %8s %7s %7s %8s",
        "scenario",
        "phase",
        "gw",
        "sent",
        "ok",
        "errors",
        "unsent",
        "ok/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "heap MB",
        "RSS MB",
        "backlog");
  }

  private static void printRow(PrintStream out, Phase row) {
    out.printf(
        "%-10s %-22s %-7s %7d %7d %6d %6d %8.1f %8.0f %8.0f %8.0f %8.0f %7d %7d %8s%n",
        row.scenario(),
        row.phase(),
        row.gateway(),
        row.sent(),
        row.accepted(),
        row.errors(),
        row.unsent(),
        row.throughputPerSecond(),
        row.latency().p50(),
        row.latency().p95(),
        row.latency().p99(),
        row.latency().max(),
        row.heapPeakMb(),
        row.rssPeakMb(),
        // Referrals not yet at a partner when the phase's load stopped ("-": no routing).
        row.more().getOrDefault("deliveryBacklogAtEnd", "-"));
  }
}
