package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's preparation step ({@code gateway/bin/run.sh --prepare}), run verbatim from the
 * repository root on the packaged build: it prepares the build for the JDK and exits without
 * starting a gateway. (How run.sh chooses the JDK and trains the AOT cache is {@code
 * RunScriptTest}'s.)
 */
class PrepareCommandTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theReadmePrepareCommandPreparesTheBuildAndStartsNoGateway() throws Exception {
    String command = ReadmeCommands.blockContaining("run.sh --prepare");
    ProcessBuilder shell =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true);
    // The JDK running the tests, as GatewayProcess starts the gateway on it.
    shell.environment().put("GATEWAY_JAVA_HOME", System.getProperty("java.home"));
    Process bash = shell.start();
    bash.getOutputStream().close();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(bash.waitFor(5, TimeUnit.MINUTES)).as(output).isTrue();
    assertThat(bash.exitValue()).as(output).isZero();
    Path app = ROOT.resolve("gateway/target/app");
    assertThat(output)
        .contains("Prepared " + app + " for JDK " + Runtime.version().feature())
        .doesNotContain("Started GatewayApplication");
    assertThat(app.resolve("gateway-exec.jar")).exists();
  }
}
