package org.cypmh.terminology.snomed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a release's RF2 files into a {@link SnomedIndex}. Columns are found by their header name.
 * From a Full file only each component's latest row counts (as in a Snapshot).
 *
 * <p>The display of a concept is its preferred synonym in the en-GB language reference set
 * (999001261000000100), else in any English language reference set the release has; a release
 * without language reference sets (such as the test fixtures) gets the last active synonym, which
 * is what HAPI's loader shows.
 */
public final class Rf2Reader {

  private static final String FULLY_SPECIFIED_NAME = "900000000000003001";
  private static final String PREFERRED = "900000000000548007";
  private static final String GB_ENGLISH = "999001261000000100";

  private Rf2Reader() {}

  public static SnomedIndex read(Rf2Files release) {
    Set<String> preferred = preferredDescriptions(release);
    SnomedIndex.Builder builder = SnomedIndex.builder();
    for (Rf2Files.File file : release.files(Rf2Files.Kind.CONCEPT)) {
      rows(file, r -> builder.concept(r.get("id"), r.active()));
    }
    for (Rf2Files.File file : release.files(Rf2Files.Kind.DESCRIPTION)) {
      rows(
          file,
          r -> {
            if (!r.active() || !builder.hasConcept(r.get("conceptId"))) {
              return;
            }
            if (FULLY_SPECIFIED_NAME.equals(r.get("typeId"))) {
              builder.fullySpecifiedName(r.get("conceptId"), r.get("term"));
            } else {
              builder.synonym(r.get("conceptId"), r.get("term"), preferred.contains(r.get("id")));
            }
          });
    }
    for (Rf2Files.File file : release.files(Rf2Files.Kind.RELATIONSHIP)) {
      rows(
          file,
          r -> {
            if (!r.active()) {
              return;
            }
            if (SnomedIndex.IS_A.equals(r.get("typeId"))) {
              builder.isA(r.get("sourceId"), r.get("destinationId"));
            } else {
              builder.attribute(r.get("sourceId"), r.get("typeId"), r.get("destinationId"));
            }
          });
    }
    for (Rf2Files.File file : release.files(Rf2Files.Kind.SIMPLE_REFSET)) {
      rows(
          file,
          r -> {
            if (r.active()) {
              builder.refsetMember(r.get("refsetId"), r.get("referencedComponentId"));
            }
          });
    }
    return builder.build();
  }

  /**
   * True if the release has the International Edition's root concept, active: an extension (UK
   * clinical, UK drug) without its base has none, and its concepts would hang from nothing.
   */
  public static boolean hasInternationalBase(Rf2Files release) {
    boolean[] found = {false};
    for (Rf2Files.File file : release.files(Rf2Files.Kind.CONCEPT)) {
      rows(
          file,
          r -> {
            if (SnomedIndex.ROOT.equals(r.get("id"))) {
              found[0] = r.active();
            }
          });
    }
    return found[0];
  }

  private static Set<String> preferredDescriptions(Rf2Files release) {
    Set<String> gb = new HashSet<>();
    Set<String> any = new HashSet<>();
    for (Rf2Files.File file : release.files(Rf2Files.Kind.LANGUAGE_REFSET)) {
      rows(
          file,
          r -> {
            if (r.active() && PREFERRED.equals(r.get("acceptabilityId"))) {
              (GB_ENGLISH.equals(r.get("refsetId")) ? gb : any).add(r.get("referencedComponentId"));
            }
          });
    }
    return gb.isEmpty() ? any : gb;
  }

  /** Calls {@code action} for each current row: every row of a Snapshot, the latest of a Full. */
  static void rows(Rf2Files.File file, Consumer<Row> action) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(file.open(), StandardCharsets.UTF_8), 1 << 16)) {
      String header = in.readLine();
      if (header == null) {
        return;
      }
      Map<String, Integer> columns = new HashMap<>();
      String[] names = header.split("\t");
      for (int i = 0; i < names.length; i++) {
        columns.put(names[i].trim(), i);
      }
      if (file.snapshot()) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isEmpty()) {
            action.accept(new Row(columns, line.split("\t", -1)));
          }
        }
        return;
      }
      Map<String, String[]> latest = new LinkedHashMap<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        String[] earlier = latest.get(cells[0]);
        if (earlier == null || earlier[1].compareTo(cells[1]) <= 0) {
          latest.put(cells[0], cells);
        }
      }
      latest.values().forEach(cells -> action.accept(new Row(columns, cells)));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + file.name(), e);
    }
  }

  /** One RF2 row, read by column name. */
  record Row(Map<String, Integer> columns, String[] cells) {
    String get(String column) {
      Integer i = columns.get(column);
      return i == null || i >= cells.length ? null : cells[i];
    }

    boolean active() {
      return "1".equals(get("active"));
    }
  }
}
