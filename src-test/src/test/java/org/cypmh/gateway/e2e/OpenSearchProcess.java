package org.cypmh.gateway.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node OpenSearch (2.19, the jars of {@code src-test/opensearch-node/pom.xml}) in its
 * own JVM, started by {@code src/test/opensearch/OpenSearchNode.java} as a single-file source
 * program: heap 512 MB, HTTP on a free port, data under {@code home}. Killed on {@link #close}.
 */
final class OpenSearchProcess implements AutoCloseable {

  private static final Path LIB = Path.of("target", "opensearch", "lib").toAbsolutePath();
  private static final Path LAUNCHER =
      Path.of("src", "test", "opensearch", "OpenSearchNode.java").toAbsolutePath();

  private final Process process;
  private final int port;

  private OpenSearchProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static OpenSearchProcess start(Path home) throws IOException {
    if (!Files.isDirectory(LIB)) {
      throw new IllegalStateException(
          LIB + " is missing: src-test's build copies it (generate-test-resources)");
    }
    Files.createDirectories(home);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms512m",
                    "-Xmx512m",
                    "-cp",
                    LIB + "/*",
                    LAUNCHER.toString(),
                    home.toAbsolutePath().toString(),
                    String.valueOf(port)))
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("opensearch.log").toFile())
            .start();
    OpenSearchProcess node = new OpenSearchProcess(process, port);
    try {
      node.awaitGreen();
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
    return node;
  }

  /** {@code host:port} for {@code GATEWAY_SEARCH_HOSTS}. */
  String hosts() {
    return "127.0.0.1:" + port;
  }

  /** GET on the node's REST API, e.g. {@code /_cat/indices}. */
  String get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://" + hosts() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  private void awaitGreen() {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("OpenSearch exited with " + process.exitValue());
              }
              return get("/_cluster/health?wait_for_status=green&timeout=1s")
                  .contains("\"status\":\"green\"");
            });
  }
}
