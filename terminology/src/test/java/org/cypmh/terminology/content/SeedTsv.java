package org.cypmh.terminology.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the packaged copy of the SNOMED CT seed TSV. */
final class SeedTsv {

  static final String CLASSPATH_LOCATION = "/terminology/snomed-cypmh-seed.tsv";
  static final String HEADER = "code\tterm\tcategory\tactive\tsource";

  private SeedTsv() {}

  static List<SeedConcept> load() {
    try (InputStream in = SeedTsv.class.getResourceAsStream(CLASSPATH_LOCATION)) {
      if (in == null) {
        throw new IllegalStateException("Missing " + CLASSPATH_LOCATION);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<SeedConcept> parse(String tsv) {
    List<String> lines = tsv.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException("Seed TSV must start with the header: " + HEADER);
    }
    List<SeedConcept> concepts = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split("\t", -1);
      if (cells.length != 5) {
        throw new IllegalArgumentException(
            "Seed TSV line " + (i + 1) + " has " + cells.length + " cells");
      }
      concepts.add(
          new SeedConcept(cells[0], cells[1], cells[2], Boolean.parseBoolean(cells[3]), cells[4]));
    }
    return List.copyOf(concepts);
  }
}
