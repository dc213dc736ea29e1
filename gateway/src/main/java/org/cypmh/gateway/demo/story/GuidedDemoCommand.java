package org.cypmh.gateway.demo.story;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar gateway-exec.jar demo}: tells the guided demo ({@link GuidedDemoStory}) against
 * a gateway already running on the embedded default; exit status 0 when every step ended as the
 * story says, 1 otherwise.
 */
@Command(
    name = "demo",
    description =
        "Plays the guided demo against a running embedded gateway: referrals, routing, consent,"
            + " partner answers, transition plan, brief intervention, MHSDS extract, audit.")
public final class GuidedDemoCommand implements Callable<Integer> {

  @Option(
      names = "--gateway",
      defaultValue = "https://localhost:8443",
      description = "the gateway's mutual-TLS address; default ${DEFAULT-VALUE}")
  URI gateway;

  @Option(
      names = "--pki-dir",
      defaultValue = "./data/pki",
      description =
          "the demo partners' certificates (gateway.security.pki-dir); default ${DEFAULT-VALUE}")
  Path pkiDir;

  @Option(
      names = "--wait",
      defaultValue = "60",
      description =
          "seconds a step waits for deliveries and partners' answers; default ${DEFAULT-VALUE}")
  int waitSeconds;

  @Override
  public Integer call() {
    // The story is the output: the FHIR library's start-up chatter is not.
    ((ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    boolean told =
        new GuidedDemoStory(gateway, pkiDir, Duration.ofSeconds(waitSeconds), System.out).tell();
    return told ? 0 : 1;
  }
}
