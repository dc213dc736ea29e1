package org.cypmh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway/bin/run.sh} choosing how to start the JVM, run against a copy of the script in a
 * folder laid out as a checkout, with a stand-in JDK whose {@code java} writes down its arguments.
 */
class RunScriptTest {

  private static final Path RUN_SH = Path.of("bin", "run.sh").toAbsolutePath();

  @TempDir Path checkout;

  @Test
  void anOlderJdkStartsWithoutTheAotCacheAJdk25TrainedBesideTheJar() throws Exception {
    Path app = builtAndExtracted();
    Files.writeString(app.resolve("app.aot"), "trained by JDK 25");

    List<String> arguments = run(jdk("17"), "--server.port=9090");

    assertThat(arguments).noneMatch(a -> a.startsWith("-XX:AOTCache"));
    assertThat(arguments)
        .containsSubsequence(
            "-jar", app.resolve("gateway-exec.jar").toString(), "--server.port=9090");
  }

  @Test
  void jdk25StartsWithTheAotCache() throws Exception {
    Path app = builtAndExtracted();
    Files.writeString(app.resolve("app.aot"), "trained by JDK 25");

    List<String> arguments = run(jdk("25"), "--server.port=9090");

    assertThat(arguments)
        .contains("-XX:AOTCache=" + app.resolve("app.aot"))
        .containsSubsequence(
            "-jar", app.resolve("gateway-exec.jar").toString(), "--server.port=9090");
  }

  @Test
  void byDefaultJavaThreadPrioritiesReachTheOperatingSystem() throws Exception {
    builtAndExtracted();

    List<String> arguments = run(jdk("17"), "--server.port=9090");

    // Without it Linux ignores Java priorities, and routing and delivery would compete with
    // partners' requests on equal terms (routes' BackgroundThreads).
    assertThat(arguments).contains("-XX:ThreadPriorityPolicy=1");
  }

  @Test
  void prepareOnJdk25TrainsTheAotCacheAndStartsNoGateway() throws Exception {
    Path app = builtAndExtracted();

    String output = runForOutput(jdk("25"), "--prepare");

    // The stand-in java was called once, to train; a gateway start would have overwritten this.
    assertThat(Files.readAllLines(arguments()))
        .contains("-XX:AOTCacheOutput=" + app.resolve("app.aot"), "-Dspring.context.exit=onRefresh")
        .doesNotContain("--prepare");
    assertThat(output).contains("Prepared " + app + " for JDK 25");
  }

  @Test
  void prepareOnAnOlderJdkOnlyExtractsTheJar() throws Exception {
    Path app = builtAndExtracted();
    Files.setLastModifiedTime(
        checkout.resolve("gateway/target/gateway-exec.jar"), FileTime.from(Instant.now()));
    Files.setLastModifiedTime(
        app.resolve("gateway-exec.jar"), FileTime.from(Instant.now().minusSeconds(60)));

    String output = runForOutput(jdk("17"), "--prepare");

    // The stand-in java's last (and only) call: the extraction of the newer jar.
    assertThat(Files.readAllLines(arguments()))
        .containsExactly(
            "-Djarmode=tools",
            "-jar",
            checkout.resolve("gateway/target/gateway-exec.jar").toString(),
            "extract",
            "--destination",
            app.toString());
    assertThat(output).contains("Prepared " + app + " for JDK 17").doesNotContain("AOT");
  }

  /** A packaged jar and its extraction, newer than the jar, so run.sh has nothing to prepare. */
  private Path builtAndExtracted() throws IOException {
    Path bin = Files.createDirectories(checkout.resolve("gateway/bin"));
    Files.copy(RUN_SH, bin.resolve("run.sh"));
    Path app = Files.createDirectories(checkout.resolve("gateway/target/app"));
    Path jar = Files.writeString(checkout.resolve("gateway/target/gateway-exec.jar"), "jar");
    Path extracted = Files.writeString(app.resolve("gateway-exec.jar"), "jar");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
    Files.setLastModifiedTime(extracted, FileTime.from(Instant.now()));
    return app;
  }

  /** A JDK of this major version whose java records its arguments, one per line. */
  private Path jdk(String major) throws IOException {
    Path home = Files.createDirectories(checkout.resolve("jdk-" + major + "/bin"));
    Files.writeString(home.resolveSibling("release"), "JAVA_VERSION=\"" + major + ".0.1\"\n");
    Path java = home.resolve("java");
    Files.writeString(
        java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"" + arguments() + "\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home.getParent();
  }

  private Path arguments() {
    return checkout.resolve("java-arguments.txt");
  }

  private List<String> run(Path javaHome, String... gatewayArguments) throws Exception {
    runForOutput(javaHome, gatewayArguments);
    return Files.readAllLines(arguments());
  }

  private String runForOutput(Path javaHome, String... gatewayArguments) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", checkout.resolve("gateway/bin/run.sh").toString()));
    command.addAll(List.of(gatewayArguments));
    ProcessBuilder launch = new ProcessBuilder(command).redirectErrorStream(true);
    launch.environment().put("GATEWAY_JAVA_HOME", javaHome.toString());
    launch.environment().remove("GATEWAY_JAVA_OPTS");
    Process process = launch.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
