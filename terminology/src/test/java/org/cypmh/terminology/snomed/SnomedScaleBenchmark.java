package org.cypmh.terminology.snomed;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.cypmh.terminology.rf2.SyntheticRf2Release;
import org.junit.jupiter.api.Test;

/**
 * Benchmark, not part of the build (the class name does not end in Test): generates the
 * national-size synthetic release (300,000 International-like + 70,000 UK-like concepts), reads it
 * into a {@link SnomedIndex} and measures what the gateway's terminology operations do with it. Run
 * alone, on a quiet machine:
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -o test -pl terminology -Dtest=SnomedScaleBenchmark \
 *   -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Prints a Markdown table. Latencies are over 200 timed runs after 50 warm-up runs, each with a
 * different query drawn from the release (seeded, so runs are comparable).
 */
class SnomedScaleBenchmark {

  private static final int WARM_UP = 50;
  private static final int RUNS = 200;

  @Test
  void nationalScale() throws IOException {
    Path folder = Files.createTempDirectory("snomed-scale-");
    long t0 = System.nanoTime();
    SyntheticRf2Release.Written release = SyntheticRf2Release.nationalScale().writeTo(folder);
    long generated = System.nanoTime();
    long heapBefore = usedHeapAfterGc();
    long t1 = System.nanoTime();
    SnomedIndex index =
        Rf2Reader.read(Rf2Files.locate(List.of(release.international(), release.uk())));
    long read = System.nanoTime() - t1;
    long heap = usedHeapAfterGc() - heapBefore;
    long peak =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .mapToLong(p -> p.getPeakUsage() == null ? 0 : p.getPeakUsage().getUsed())
            .sum();

    Random random = new Random(7);
    List<String> words = new ArrayList<>();
    List<String> codes = index.all().codes();
    for (int i = 0; i < 1000; i++) {
      String display =
          index.concept(codes.get(random.nextInt(codes.size()))).orElseThrow().display();
      List<String> termWords = Terms.words(display);
      if (termWords.size() >= 2) {
        // Two word prefixes of 3+ letters, in the other order, as a person types them.
        words.add(prefix(termWords.get(1)) + " " + prefix(termWords.get(0)));
      }
    }
    ConceptSet everything = index.ecl("*");
    ConceptSet largeSubtree = index.ecl("<< " + release.largestSubtree());
    List<String> subtreeCodes = largeSubtree.codes();

    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            "%n| release | concepts | descriptions | relationships (is-a + attribute) | refset"
                + " members |%n|---|---|---|---|---|%n| synthetic national scale | %,d | %,d |"
                + " %,d (%,d + %,d) | %,d |%n",
            release.concepts(),
            release.descriptions(),
            release.isARelationships() + release.attributeRelationships(),
            release.isARelationships(),
            release.attributeRelationships(),
            release.refsetMembers()));
    report.append(
        String.format(
            "%n| step | figure |%n|---|---|%n| generate RF2 (test code) | %.1f s |%n| read RF2 into"
                + " the index | %.1f s |%n| index heap (after GC) | %,d MB |%n| peak heap of the"
                + " JVM | %,d MB |%n| largest subtree | %,d concepts, depth %d |%n",
            (generated - t0) / 1e9,
            read / 1e9,
            heap / (1 << 20),
            peak / (1 << 20),
            largeSubtree.size(),
            depth(index, release.largestSubtree())));
    report.append("\n| query | p50 ms | p95 ms | note |\n|---|---|---|---|\n");
    report.append(
        row(
            "$expand two-word filter, whole edition (fhir_vs)",
            i -> index.expand(everything, words.get(i % words.size()), true, 0, 20),
            "exact total, first page of 20"));
    report.append(
        row(
            "$expand two-word filter, ValueSet = << largest subtree",
            i -> index.expand(largeSubtree, words.get(i % words.size()), true, 0, 20),
            largeSubtree.size() + " members"));
    report.append(
        row(
            "ECL << largest subtree (uncached)",
            i -> index.ecl("<< " + release.largestSubtree()),
            largeSubtree.size() + " concepts"));
    report.append(
        row(
            "ECL < random concept (uncached)",
            i -> index.ecl("< " + subtreeCodes.get((i * 7919) % subtreeCodes.size())),
            "mostly small subtrees"));
    report.append(
        row(
            "ECL refinement << subtree : finding site = << random body concept",
            i ->
                index.ecl(
                    "<< "
                        + release.largestSubtree()
                        + " : "
                        + SyntheticRf2Release.FINDING_SITE
                        + " = << "
                        + codes.get((i * 104729) % codes.size())),
            "edge scan"));
    report.append(
        row(
            "$validate-code isa/<largest subtree> (set cached, as the gateway does)",
            i -> largeSubtree.contains(codes.get((i * 31) % codes.size())),
            "membership test"));
    report.append(
        row(
            "$validate-code isa/<largest subtree> (uncached ECL)",
            i ->
                index
                    .ecl("<< " + release.largestSubtree())
                    .contains(codes.get((i * 31) % codes.size())),
            "worst case"));
    System.out.println(report);
  }

  private static String prefix(String word) {
    return word.length() <= 4 ? word : word.substring(0, 4);
  }

  private static String row(String name, IntConsumer query, String note) {
    for (int i = 0; i < WARM_UP; i++) {
      query.accept(i);
    }
    long[] nanos = new long[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      query.accept(WARM_UP + i);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return String.format(
        "| %s | %.2f | %.2f | %s |%n",
        name, nanos[RUNS / 2] / 1e6, nanos[RUNS * 95 / 100] / 1e6, note);
  }

  private static int depth(SnomedIndex index, String top) {
    int depth = 0;
    java.util.BitSet level = index.single(top);
    while (!level.isEmpty()) {
      level = index.children(level);
      depth++;
    }
    return depth - 1;
  }

  private static long usedHeapAfterGc() {
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
