package org.cypmh.gateway.storage;

import java.nio.file.Path;

/** Another gateway process holds the data folder's lock. */
public class DataFolderInUseException extends RuntimeException {

  private final transient Path folder;
  private final transient Path lock;

  DataFolderInUseException(Path folder, Path lock) {
    super(
        "The data folder " + folder + " is in use by another gateway process (lock " + lock + ")");
    this.folder = folder;
    this.lock = lock;
  }

  public Path folder() {
    return folder;
  }

  public Path lock() {
    return lock;
  }
}
