package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the first {@code sh} block of a README section as a reader would: in bash with {@code -euo
 * pipefail}, from the repository root, as the demo operator ({@code $ADMIN} as the README's
 * credentials step defines it) against a gateway's mutual-TLS port ({@code $GATEWAY}).
 */
final class ReadmeCommands {

  private ReadmeCommands() {}

  /** Runs the block and returns its output; fails the test if any command fails. */
  static String runAsOperator(String heading, Path pkiDir, int mutualTlsPort)
      throws IOException, InterruptedException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf(heading);
    assertThat(section).as("README section %s", heading).isPositive();
    int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
    String commands = readme.substring(start, readme.indexOf("```", start));
    Path pki = pkiDir.toAbsolutePath();
    String script =
        "ADMIN=\"--cert-type P12 --cert "
            + pki.resolve("demo-admin.p12")
            + ":changeit --cacert "
            + pki.resolve("ca.pem")
            + "\"\n"
            + commands;
    ProcessBuilder shell =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
            .directory(Path.of("..").toFile())
            .redirectErrorStream(true);
    shell.environment().put("GATEWAY", "https://localhost:" + mutualTlsPort);
    Process bash = shell.start();
    bash.getOutputStream().close();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor()).as(output).isZero();
    return output;
  }
}
