package org.cypmh.gateway.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * One gateway process per data folder: before anything opens the H2 database or the search index,
 * the process locks {@code <gateway.storage.data-dir>/gateway.lock} and holds it until it exits. A
 * second process on the same folder stops at once with one line naming the folder and the lock
 * ({@link DataFolderInUseAnalyzer}), not with the H2 "Database may be already in use" stack trace.
 * Gateways in one JVM (tests) share the folder as they share H2's in-process database.
 */
public class DataFolderLock implements EnvironmentPostProcessor, Ordered {

  static final String FILE = "gateway.lock";
  private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String dataDir = environment.getProperty("gateway.storage.data-dir");
    if (dataDir == null || dataDir.isBlank()) {
      return;
    }
    lock(Path.of(dataDir));
  }

  /** Locks the folder for this process; throws {@link DataFolderInUseException} if another has. */
  static void lock(Path dataDir) {
    Path folder = dataDir.toAbsolutePath().normalize();
    if (HELD.containsKey(folder)) {
      return;
    }
    Path file = folder.resolve(FILE);
    try {
      Files.createDirectories(folder);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        // Held in this JVM already (a race between two contexts starting): shared as H2 is.
        channel.close();
        return;
      }
      if (lock == null) {
        channel.close();
        throw new DataFolderInUseException(folder, file);
      }
      HELD.put(folder, lock);
    } catch (IOException e) {
      // A folder that cannot be locked (read-only, odd file system) is not refused here: H2
      // reports what it finds.
    }
  }

  @Override
  public int getOrder() {
    return ConfigDataEnvironmentPostProcessor.ORDER + 2;
  }
}
