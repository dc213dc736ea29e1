package org.cypmh.terminology.rf2;

import java.nio.file.Path;
import java.util.List;

/**
 * The files an {@link Rf2Fixture} wrote.
 *
 * @param root the folder the release was written under
 * @param files every file, International part first
 */
public record Rf2Release(Path root, List<Path> files) {

  public Rf2Release {
    files = List.copyOf(files);
  }

  /**
   * Each file's path relative to {@link #root}, with forward slashes: the names to hand HAPI as
   * {@code ITermLoaderSvc.FileDescriptor.getFilename()}.
   */
  public List<String> relativeNames() {
    return files.stream().map(f -> root.relativize(f).toString().replace('\\', '/')).toList();
  }
}
