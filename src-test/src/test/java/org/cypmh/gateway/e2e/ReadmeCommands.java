package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's {@code sh} blocks, found by heading or content; and the first block of a section run
 * as a reader would: in bash with {@code -euo pipefail}, from the repository root, as the demo
 * operator ({@code $ADMIN} as the README's credentials step defines it) against a gateway's
 * mutual-TLS port ({@code $GATEWAY}).
 */
final class ReadmeCommands {

  private ReadmeCommands() {}

  private static final String SH_BLOCK = "```sh\n";

  /** The first {@code sh} block after the README heading (or any text) {@code heading}. */
  static String firstBlockAfter(String heading) throws IOException {
    String readme = readme();
    int section = readme.indexOf(heading);
    assertThat(section).as("README section %s", heading).isPositive();
    return blockFrom(readme, readme.indexOf(SH_BLOCK, section));
  }

  /** The {@code sh} block of the README that contains {@code text}. */
  static String blockContaining(String text) throws IOException {
    String readme = readme();
    int at = readme.indexOf(text);
    assertThat(at).as("README mentions %s", text).isPositive();
    return blockFrom(readme, readme.lastIndexOf(SH_BLOCK, at));
  }

  private static String readme() throws IOException {
    return Files.readString(Path.of("..", "README.md"));
  }

  private static String blockFrom(String readme, int fence) {
    int start = fence + SH_BLOCK.length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** Runs the block and returns its output; fails the test if any command fails. */
  static String runAsOperator(String heading, Path pkiDir, int mutualTlsPort)
      throws IOException, InterruptedException {
    String commands = firstBlockAfter(heading);
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
