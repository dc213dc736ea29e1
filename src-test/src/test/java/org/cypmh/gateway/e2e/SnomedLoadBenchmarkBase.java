package org.cypmh.gateway.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.dao.data.ITermConceptDao;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.cypmh.gateway.terminology.TerminologyProperties;
import org.cypmh.terminology.rf2.SyntheticRf2Release;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The national-size load benchmark, whatever the database: the generated release ({@link
 * SyntheticRf2Release#nationalScale()}, or {@code -Dsnomed.bench.international} / {@code
 * -Dsnomed.bench.uk} concepts) written into the gateway's import folder, loaded through {@code
 * $snomed-load}, then {@code $expand}, {@code $validate-code} and ECL measured over HTTP. Prints
 * progress (concepts HAPI has stored) every 30 s and gives up after {@code -Dsnomed.bench.minutes}
 * (default 45). Subclasses choose the database.
 */
abstract class SnomedLoadBenchmarkBase {

  private static final int WARM_UP = 30;
  private static final int RUNS = 200;

  @LocalServerPort int port;
  @Autowired ITermConceptDao concepts;
  @Autowired TerminologyProperties terminology;

  @Test
  void loadAndQueryAtNationalScale() throws Exception {
    int international = Integer.getInteger("snomed.bench.international", 300_000);
    int uk = Integer.getInteger("snomed.bench.uk", 70_000);
    long minutes = Long.getLong("snomed.bench.minutes", 45);
    Path importDir = Files.createDirectories(Path.of(terminology.importDir()));
    SyntheticRf2Release.Written release =
        SyntheticRf2Release.of(international, uk).writeTo(importDir.resolve("synthetic"));
    GatewayClient gateway = new GatewayClient(port);
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

    long started = System.nanoTime();
    Parameters request = new Parameters();
    request.addParameter("source", "synthetic");
    HttpResponse<String> accepted = gateway.post("/fhir/$snomed-load", request);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String phase = "";
    long lastProgress = 0;
    while (!phase.equals("done") && !phase.equals("failed")) {
      Thread.sleep(5_000); // a benchmark's own pacing, not a test waiting for a condition
      Parameters status = parameters(gateway.get("/fhir/$snomed-load-status"));
      phase = status.getParameterValue("phase").primitiveValue();
      long elapsed = System.nanoTime() - started;
      if (elapsed - lastProgress > 30e9) {
        lastProgress = elapsed;
        System.out.printf(
            "progress %.0f s: phase %s, HAPI has stored %,d concepts, heap peak %,d MB%n",
            elapsed / 1e9, phase, concepts.count(), peakHeapMb());
      }
      if (elapsed > Duration.ofMinutes(minutes).toNanos()) {
        System.out.printf(
            "%nGAVE UP after %d min: phase %s, HAPI had stored %,d of %,d concepts%n",
            minutes, phase, concepts.count(), release.concepts());
        return;
      }
    }
    double loadSeconds = (System.nanoTime() - started) / 1e9;
    Parameters done = parameters(gateway.get("/fhir/$snomed-load-status"));
    System.out.printf(
        "%n| %s load via $snomed-load | %,d concepts | %.0f s | heap peak %,d MB | %s |%n",
        database(),
        release.concepts(),
        loadSeconds,
        peakHeapMb(),
        done.getParameterValue("message"));

    List<String> codes = new ArrayList<>();
    ValueSet sample =
        expand(
            gateway,
            "http://snomed.info/sct?fhir_vs=isa/" + release.largestSubtree(),
            "&count=500");
    sample.getExpansion().getContains().forEach(c -> codes.add(c.getCode()));
    List<String> filters = new ArrayList<>();
    sample
        .getExpansion()
        .getContains()
        .forEach(
            c -> {
              String[] words = c.getDisplay().toLowerCase().split(" ");
              if (words.length >= 2) {
                filters.add(prefix(words[1]) + " " + prefix(words[0]));
              }
            });
    String subtree = "http://snomed.info/sct?fhir_vs=isa/" + release.largestSubtree();
    StringBuilder table = new StringBuilder("\n| over HTTP | p50 ms | p95 ms |\n|---|---|---|\n");
    table.append(
        row(
            "$expand fhir_vs, two-word filter",
            i ->
                "/fhir/ValueSet/$expand?url="
                    + enc("http://snomed.info/sct?fhir_vs")
                    + "&count=20&filter="
                    + enc(filters.get(i % filters.size())),
            gateway));
    table.append(
        row(
            "$expand isa/<largest subtree>, two-word filter",
            i ->
                "/fhir/ValueSet/$expand?url="
                    + enc(subtree)
                    + "&count=20&filter="
                    + enc(filters.get(i % filters.size())),
            gateway));
    table.append(
        row(
            "$expand ecl/<< random concept of the subtree",
            i ->
                "/fhir/ValueSet/$expand?count=20&url="
                    + enc("http://snomed.info/sct?fhir_vs=ecl/<< " + codes.get(i % codes.size())),
            gateway));
    table.append(
        row(
            "$expand ecl/<< largest subtree (215k concepts), first page",
            i ->
                "/fhir/ValueSet/$expand?count=20&url="
                    + enc("http://snomed.info/sct?fhir_vs=ecl/<< " + release.largestSubtree()),
            gateway));
    table.append(
        row(
            "$validate-code isa/<largest subtree>",
            i ->
                "/fhir/ValueSet/$validate-code?url="
                    + enc(subtree)
                    + "&system=http://snomed.info/sct&code="
                    + codes.get(i % codes.size()),
            gateway));
    table.append(
        row(
            "CodeSystem/$validate-code (HAPI, database)",
            i ->
                "/fhir/CodeSystem/$validate-code?url=http://snomed.info/sct&code="
                    + codes.get(i % codes.size()),
            gateway));
    System.out.println(table);
  }

  abstract String database();

  private static String row(String name, IntFunction<String> path, GatewayClient gateway) {
    for (int i = 0; i < WARM_UP; i++) {
      assertThat(gateway.get(path.apply(i)).statusCode()).isEqualTo(200);
    }
    long[] nanos = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      String request = path.apply(WARM_UP + i);
      long start = System.nanoTime();
      HttpResponse<String> response = gateway.get(request);
      nanos[i] = System.nanoTime() - start;
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
    Arrays.sort(nanos);
    return String.format(
        "| %s | %.1f | %.1f |%n", name, nanos[RUNS / 2] / 1e6, nanos[RUNS * 95 / 100] / 1e6);
  }

  private static ValueSet expand(GatewayClient gateway, String url, String more) {
    HttpResponse<String> response = gateway.get("/fhir/ValueSet/$expand?url=" + enc(url) + more);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
  }

  private static Parameters parameters(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return GatewayClient.FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  private static long peakHeapMb() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getPeakUsage().getUsed())
            .sum()
        / (1 << 20);
  }

  private static String prefix(String word) {
    return word.length() <= 4 ? word : word.substring(0, 4);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, UTF_8);
  }
}
