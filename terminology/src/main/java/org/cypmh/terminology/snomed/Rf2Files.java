package org.cypmh.terminology.snomed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The RF2 files of a SNOMED CT release that the gateway reads, found in release zips or unpacked
 * folders as SNOMED International and NHS TRUD publish them (an edition prefix such as {@code UKCL}
 * before the release type is allowed). Per component and release part (namespace and date, e.g.
 * {@code INT_20240101}, {@code GB1000000_20240101}) the Snapshot file is taken, or the Full file
 * where there is no Snapshot; Delta files are ignored.
 */
public final class Rf2Files {

  /** The RF2 files read. */
  public enum Kind {
    CONCEPT,
    DESCRIPTION,
    RELATIONSHIP,
    SIMPLE_REFSET,
    LANGUAGE_REFSET
  }

  /** One selected file; {@code part} is its namespace and date, e.g. {@code INT_20240101}. */
  public record File(Kind kind, String part, boolean snapshot, String name, Source source) {

    public InputStream open() throws IOException {
      return source.open(name);
    }

    /**
     * The name HAPI's SNOMED CT loader (8.8) needs to read this file: it matches only {@code
     * Terminology/sct2_Concept_Full_}, {@code sct2_Description_Full} and {@code
     * sct2_Relationship_Full}, whatever the file holds.
     */
    public String hapiName() {
      String base =
          switch (kind) {
            case CONCEPT -> "sct2_Concept_Full_";
            case DESCRIPTION -> "sct2_Description_Full-en_";
            case RELATIONSHIP -> "sct2_Relationship_Full_";
            default -> throw new IllegalStateException(kind + " is not read by HAPI's loader");
          };
      return "SnomedCT_" + part + "/Terminology/" + base + part + ".txt";
    }
  }

  /** Where a file's bytes come from: a zip or a folder. */
  public interface Source {
    InputStream open(String name) throws IOException;
  }

  private static final Pattern NAME =
      Pattern.compile(
          "(?:.*/)?(sct2|der2)_([A-Za-z]+)_([A-Za-z]*?)(Snapshot|Full|Delta)(-[A-Za-z-]+)?_(.+)\\.txt");

  private final List<File> files;

  private Rf2Files(List<File> files) {
    this.files = List.copyOf(files);
  }

  /**
   * Finds the files in each source (a {@code .zip} or a folder). Sources are read in order; where
   * two hold the same component of the same part, the first counts.
   */
  public static Rf2Files locate(List<Path> sources) {
    Map<String, File> chosen = new LinkedHashMap<>();
    for (Path source : sources) {
      for (File file : filesIn(source)) {
        String key = file.kind() + "|" + file.part();
        File earlier = chosen.get(key);
        if (earlier == null || (file.snapshot() && !earlier.snapshot())) {
          chosen.put(key, file);
        }
      }
    }
    return new Rf2Files(new ArrayList<>(chosen.values()));
  }

  public List<File> files() {
    return files;
  }

  public List<File> files(Kind kind) {
    return files.stream().filter(f -> f.kind() == kind).toList();
  }

  /** The release parts found, e.g. {@code [INT_20240101, GB1000000_20240101]}. */
  public List<String> parts() {
    return files(Kind.CONCEPT).stream().map(File::part).toList();
  }

  private static List<File> filesIn(Path source) {
    List<File> found = new ArrayList<>();
    if (Files.isDirectory(source)) {
      Source folder = name -> Files.newInputStream(source.resolve(name));
      try (Stream<Path> paths = Files.walk(source)) {
        paths
            .filter(Files::isRegularFile)
            .forEach(p -> classify(source.relativize(p).toString(), folder, found));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else {
      Source zip =
          name -> {
            ZipFile zipFile = new ZipFile(source.toFile());
            ZipEntry entry = zipFile.getEntry(name);
            return new java.io.FilterInputStream(zipFile.getInputStream(entry)) {
              @Override
              public void close() throws IOException {
                super.close();
                zipFile.close();
              }
            };
          };
      try (ZipFile zipFile = new ZipFile(source.toFile())) {
        Enumeration<? extends ZipEntry> entries = zipFile.entries();
        while (entries.hasMoreElements()) {
          ZipEntry entry = entries.nextElement();
          if (!entry.isDirectory()) {
            classify(entry.getName(), zip, found);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found;
  }

  private static void classify(String name, Source source, List<File> found) {
    Matcher m = NAME.matcher(name.replace('\\', '/'));
    if (!m.matches() || m.group(4).equals("Delta")) {
      return;
    }
    String component = m.group(2);
    String detail = m.group(3);
    String language = m.group(5);
    Kind kind =
        switch (component) {
          case "Concept" -> Kind.CONCEPT;
          case "Description" ->
              language == null || language.equals("-en") ? Kind.DESCRIPTION : null;
          case "Relationship" -> Kind.RELATIONSHIP;
          case "Refset" -> detail.endsWith("Simple") ? Kind.SIMPLE_REFSET : null;
          case "cRefset" ->
              detail.endsWith("Language") && (language == null || language.startsWith("-en"))
                  ? Kind.LANGUAGE_REFSET
                  : null;
          default -> null;
        };
    if (kind != null) {
      found.add(new File(kind, m.group(6), m.group(4).equals("Snapshot"), name, source));
    }
  }
}
