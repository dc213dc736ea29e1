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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged gateway ({@code gateway/target/gateway-exec.jar}) run as a separate operating-system
 * process through {@code gateway/bin/run.sh} (README "Quick start"), so a test can kill it the way
 * a crash or an OOM killer would.
 */
final class GatewayProcess implements AutoCloseable {

  private static final Path JAR =
      Path.of("..", "gateway", "target", "gateway-exec.jar").toAbsolutePath().normalize();

  /** Started as a deployment starts it: run.sh execs the JVM, so this process is the gateway. */
  private static final Path RUN_SH =
      Path.of("..", "gateway", "bin", "run.sh").toAbsolutePath().normalize();

  /** The JDK {@code run.sh} starts the gateway on. */
  enum Jdk {
    /** The JDK running the tests, as it is: every test sees the JVM the build chose. */
    TESTS,
    /**
     * What {@code run.sh} chooses for a deployment: a JDK 25+ if one is installed (with the AOT
     * cache it trains), else the default JDK. The load benchmark measures this.
     */
    DEPLOYMENT
  }

  private final Process process;
  private final int port;
  private final int mtlsPort;
  private Duration startUp;

  private GatewayProcess(Process process, int port, int mtlsPort) {
    this.process = process;
    this.port = port;
    this.mtlsPort = mtlsPort;
  }

  static GatewayProcess start(Path dataDir, Path log, String... settings) throws IOException {
    return start(dataDir, log, List.of(), settings);
  }

  /**
   * Starts the gateway with extra JVM options (e.g. a flight recording) before {@code -jar}, and
   * waits until it is ready.
   */
  static GatewayProcess start(Path dataDir, Path log, List<String> jvmOptions, String... settings)
      throws IOException {
    return start(dataDir, log, jvmOptions, Jdk.TESTS, false, settings);
  }

  /** As {@link #start(Path, Path, List, String...)}, on the given JDK. */
  static GatewayProcess start(
      Path dataDir, Path log, List<String> jvmOptions, Jdk jdk, String... settings)
      throws IOException {
    return start(dataDir, log, jvmOptions, jdk, false, settings);
  }

  /**
   * Prepares this build for the JDK as {@code run.sh --prepare} does (extracts it; on JDK 25+
   * trains the AOT cache), so no measured start is the first one.
   */
  static void prepare(Jdk jdk, Path log) throws IOException, InterruptedException {
    ProcessBuilder prepare = new ProcessBuilder("bash", RUN_SH.toString(), "--prepare");
    chooseJdk(prepare, jdk);
    Process process =
        prepare
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("run.sh --prepare failed; see " + log);
    }
  }

  private static void chooseJdk(ProcessBuilder launch, Jdk jdk) {
    if (jdk == Jdk.TESTS) {
      // The JDK running the tests, as it is (run.sh would otherwise look for a newer one).
      launch.environment().put("GATEWAY_JAVA_HOME", System.getProperty("java.home"));
    } else {
      launch.environment().remove("GATEWAY_JAVA_HOME");
    }
  }

  /**
   * Starts the gateway as {@code gateway/bin/run.sh} does on the embedded default: enforced mode,
   * demo credentials generated under {@code <dataDir>/pki}, the mutual-TLS port on a free port
   * ({@link #mtlsPort()}).
   */
  static GatewayProcess startEnforced(Path dataDir, Path log, String... settings)
      throws IOException {
    return start(dataDir, log, List.of(), Jdk.TESTS, true, settings);
  }

  private static GatewayProcess start(
      Path dataDir,
      Path log,
      List<String> jvmOptions,
      Jdk jdk,
      boolean enforced,
      String... settings)
      throws IOException {
    if (!Files.exists(JAR)) {
      throw new IllegalStateException(
          "Build the gateway first (mvn package): " + JAR + " is missing");
    }
    int port = freePort();
    int mtlsPort = enforced ? freePort() : -1;
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                RUN_SH.toString(),
                "--server.port=" + port,
                "--gateway.storage.data-dir=" + dataDir.toAbsolutePath()));
    if (enforced) {
      command.add("--gateway.security.mtls.port=" + mtlsPort);
    } else {
      // The callers name the partner with the ODS header (trusted-header mode).
      command.add("--gateway.security.mode=trusted-header");
      command.add("--gateway.security.mtls.enabled=false");
    }
    for (String setting : settings) {
      command.add("--" + setting);
    }
    ProcessBuilder launch = new ProcessBuilder(command);
    chooseJdk(launch, jdk);
    // ThreadPriorityPolicy as run.sh has it: Java thread priorities reach the operating system.
    List<String> options = new ArrayList<>(List.of("-Xmx1g", "-XX:ThreadPriorityPolicy=1"));
    options.addAll(jvmOptions);
    launch.environment().put("GATEWAY_JAVA_OPTS", String.join(" ", options));
    Process process =
        launch
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long launched = System.nanoTime();
    GatewayProcess gateway = new GatewayProcess(process, port, mtlsPort);
    try {
      gateway.awaitReady();
    } catch (RuntimeException e) {
      // Never leave a half-started gateway behind the caller's back.
      process.destroyForcibly();
      throw e;
    }
    gateway.startUp = Duration.ofNanos(System.nanoTime() - launched);
    return gateway;
  }

  int port() {
    return port;
  }

  /** The mutual-TLS port of an enforced gateway ({@link #startEnforced}); -1 otherwise. */
  int mtlsPort() {
    return mtlsPort;
  }

  /**
   * The Java version the gateway runs on, from its JDK's {@code release} file (run.sh execs the
   * JVM, so this process is the JVM).
   */
  String javaVersion() throws IOException {
    Path java =
        Path.of(
            process
                .info()
                .command()
                .orElseThrow(() -> new IllegalStateException("the gateway's command is unknown")));
    Path release = java.toRealPath().getParent().getParent().resolve("release");
    return Files.readAllLines(release).stream()
        .filter(line -> line.startsWith("JAVA_VERSION="))
        .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(release + " names no JAVA_VERSION"));
  }

  /** Operating-system process id, e.g. to read its memory from {@code /proc}. */
  long pid() {
    return process.pid();
  }

  /**
   * The Linux nice value of each of the JVM's threads, keyed by the thread name the kernel keeps
   * (its first 15 characters, e.g. {@code Camel (camel-1)}), read from {@code /proc}.
   */
  Map<String, Set<Integer>> niceValuesByThreadName() throws IOException {
    Map<String, Set<Integer>> nice = new TreeMap<>();
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid()), "task"))) {
      for (Path thread : threads.toList()) {
        String name = Files.readString(thread.resolve("comm")).strip();
        // stat: "tid (comm) state ...": nice is the 17th field after the closing parenthesis.
        String stat = Files.readString(thread.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        nice.computeIfAbsent(name, n -> new TreeSet<>()).add(Integer.parseInt(fields[16]));
      }
    }
    return nice;
  }

  /** From launching the JVM until the readiness probe first answered 200. */
  Duration startUp() {
    return startUp;
  }

  /** SIGKILL: no shutdown hooks, no graceful close, in-flight requests cut off. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the gateway finishes in-flight requests and closes its database cleanly. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest readiness =
        HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/actuator/health/readiness"))
            .build();
    // Generous: a busy 2-core machine has been seen to take over two minutes.
    await()
        .atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofMillis(500))
        // Only "not listening yet" is waited out; a process that exited fails at once.
        .ignoreExceptionsInstanceOf(IOException.class)
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "The gateway process exited with " + process.exitValue());
              }
              return http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode()
                  == 200;
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
