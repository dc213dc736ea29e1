package org.cypmh.gateway.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Files holding keys or passwords the gateway generated: readable and writable by their owner. */
public final class OwnerOnlyFiles {

  private static final Logger log = LoggerFactory.getLogger(OwnerOnlyFiles.class);

  private OwnerOnlyFiles() {}

  public static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the data directory's own permissions protect it.
    } catch (IOException e) {
      // A key file others can read must not pass unnoticed.
      log.warn("Could not make {} readable by its owner only: check its permissions", file);
    }
  }
}
