package org.cypmh.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README walk-through, run verbatim: every shell block of README.md fenced as {@code ```sh
 * walkthrough <step>} is run, in order and in one {@code bash -euo pipefail} session (variables
 * carry over, as in a reader's shell), from the repository root against a freshly started packaged
 * gateway on the embedded default (enforced mode, demo credentials generated on a fresh data
 * folder). Only {@code GATEWAY} and {@code PKI}, which the first block defaults to {@code
 * https://localhost:8443} and {@code ./data/pki}, point elsewhere. The commands use {@code curl
 * --fail-with-body}, so any HTTP error stops the walk-through; each step's answer is then checked
 * below. Changing, removing or reordering a step in the README fails this test.
 */
class ReadmeWalkthroughTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern BLOCK =
      Pattern.compile("(?ms)^```sh walkthrough (\\S+)\\s*\\n(.*?)^```\\s*$");
  private static final String MARKER = "@@walkthrough-step ";

  /** The walk-through's steps, in README order. */
  private static final List<String> STEPS =
      List.of(
          "guided-demo",
          "credentials",
          "first-referral",
          "bars-message",
          "routing",
          "terminology",
          "consent",
          "break-glass",
          "transition-watch",
          "transition-care-plan",
          "register-charity",
          "brief-intervention",
          "mhsds-extract",
          "measures",
          "mhsds-table",
          "audit",
          "access-token");

  @Test
  void everyWalkthroughCommandOfTheReadmeWorksVerbatimOnAFreshGateway() throws Exception {
    // Kept after the run (gateway.log, the script), under target/.
    Path work =
        Files.createDirectories(
            Path.of("target", "readme-walkthrough", UUID.randomUUID().toString()).toAbsolutePath());
    Map<String, String> blocks = walkthroughBlocks();
    assertThat(blocks.keySet())
        .as("the README's walk-through steps, in order")
        .containsExactlyElementsOf(STEPS);

    StringBuilder script = new StringBuilder();
    blocks.forEach(
        (step, commands) ->
            script
                .append("printf '\\n")
                .append(MARKER)
                .append(step)
                .append("\\n'\n")
                .append(commands)
                .append('\n'));
    Path scriptFile = work.resolve("walkthrough.sh");
    Files.writeString(scriptFile, script);

    Path dataDir = work.resolve("data");
    String output;
    int exit;
    try (GatewayProcess gateway =
        GatewayProcess.startEnforced(
            dataDir,
            work.resolve("gateway.log"),
            // the demo partner network answers the guided demo's referrals, on a free port
            "gateway.demo-partners.port=0")) {
      ProcessBuilder bash =
          new ProcessBuilder("bash", "-euo", "pipefail", scriptFile.toString())
              .directory(ROOT.toFile())
              .redirectErrorStream(true);
      bash.environment().put("GATEWAY", "https://localhost:" + gateway.mtlsPort());
      bash.environment().put("PKI", dataDir.resolve("pki").toString());
      bash.environment()
          .put(
              "PATH",
              Path.of(System.getProperty("java.home"), "bin")
                  + ":"
                  + bash.environment().getOrDefault("PATH", "/usr/bin:/bin"));
      Process run = bash.start();
      byte[] bytes = run.getInputStream().readAllBytes();
      if (!run.waitFor(6, TimeUnit.MINUTES)) {
        run.destroyForcibly();
      }
      exit = run.exitValue();
      output = new String(bytes, StandardCharsets.UTF_8);
    }
    // Each step's answer, shortened: the log of a failed build shows where it went wrong.
    answersByStep(output)
        .forEach(
            (step, answer) ->
                System.out.printf(
                    "== %s%n%s%n",
                    step, answer.length() > 3000 ? answer.substring(0, 3000) + " ..." : answer));

    Map<String, String> answers = answersByStep(output);
    String last = answers.keySet().stream().reduce((first, second) -> second).orElse("(none)");
    assertThat(exit)
        .as("bash exit status; the walk-through stopped in step %s:%n%s", last, answers.get(last))
        .isZero();
    assertThat(answers.keySet()).containsExactlyElementsOf(STEPS);
    checkAnswers(answers);
  }

  /** Each step's answer: the facts a reader is told to expect. */
  private static void checkAnswers(Map<String, String> answers) {
    String demo = answers.get("guided-demo");
    assertThat(demo)
        .as("guided-demo")
        .contains("All 12 steps ended as the story says.")
        .doesNotContain("[FAILED]")
        // the story's facts, not only its verdicts
        .contains("held: Task/", "\"awaiting consent\"")
        .contains("withheld: 1 restricted resource")
        .contains("owner HealthcareService/camhs-transitions")
        .contains("the referrer is told: Riverside Surgery received Task/")
        .contains("pulls Kai's plans by NHS number: 1 plan")
        .contains("SNOMED CT 1111811000000109")
        .contains("intact true");
    assertThat(occurrences(demo, "      [ok]")).as("steps passed").isEqualTo(12);

    assertThat(answers.get("credentials")).as("credentials").isBlank();

    String referral = answers.get("first-referral");
    Matcher ids =
        Pattern.compile("PATIENT=Patient/([0-9]+) REFERRAL=ServiceRequest/([0-9]+)\\s")
            .matcher(referral);
    assertThat(ids.find()).as("ids kept from the referral's answer:%n%s", referral).isTrue();
    String patient = "Patient/" + ids.group(1);
    String serviceRequest = "ServiceRequest/" + ids.group(2);
    assertThat(referral)
        .as("first-referral")
        .contains("\"type\":\"transaction-response\"", "\"status\":\"201 Created\"")
        // read back, its tracking Task, and found by NHS number with its Patient
        .contains("\"resourceType\":\"ServiceRequest\",\"id\":\"" + ids.group(2) + "\"")
        .contains(
            "\"resourceType\":\"Task\"", "\"focus\":{\"reference\":\"" + serviceRequest + "\"}")
        .contains("\"resourceType\":\"Patient\",\"id\":\"" + ids.group(1) + "\"");

    assertThat(answers.get("bars-message"))
        .as("bars-message")
        .contains("\"type\":\"message\"", "\"code\":\"ok\"", "\"resourceType\":\"Task\"");

    assertThat(answers.get("routing"))
        .as("routing")
        .contains("{\"name\":\"route\",\"valueString\":\"crisis\"}")
        .contains("{\"name\":\"serviceId\",\"valueString\":\"camhs-crisis\"}")
        .contains("{\"name\":\"delivery\"", "{\"name\":\"replayed\"", "{\"name\":\"file\"");

    assertThat(answers.get("terminology"))
        .as("terminology")
        .contains("\"code\":\"72366004\"", "{\"name\":\"result\",\"valueBoolean\":true}");

    assertThat(answers.get("consent"))
        .as("consent")
        .contains("{\"name\":\"decision\"", "{\"reference\":\"" + patient + "\"}");

    assertThat(answers.get("break-glass"))
        .as("break-glass")
        .contains("\"clientId\":\"camhs\"")
        .contains("\"resourceType\":\"Patient\",\"id\":\"" + ids.group(1) + "\"")
        .contains("{\"name\":\"reviewer\",\"valueString\":\"Dr Ada Reviewer\"}")
        .contains("\"code\":\"sign-off\"");

    assertThat(answers.get("transition-watch"))
        .as("transition-watch")
        .contains("{\"name\":\"due\"", "\"type\":\"searchset\"");

    String carePlan = answers.get("transition-care-plan");
    assertThat(carePlan)
        .as("transition-care-plan")
        .containsPattern("\"resourceType\":\"CarePlan\",\"id\":\"[0-9]+\"")
        .contains("\"subject\":{\"reference\":\"" + patient + "\"}");
    // the GP's pull: exactly Jordan's plan, with Jordan
    assertThat(occurrences(carePlan, "\"mode\":\"match\"")).as("plans the GP pulled").isEqualTo(1);
    assertThat(occurrences(carePlan, "\"mode\":\"include\"")).as("patients included").isEqualTo(1);

    assertThat(answers.get("register-charity"))
        .as("register-charity")
        .contains("\"clientId\":\"first-steps-ed\"");

    String intervention = answers.get("brief-intervention");
    Matcher procedure =
        Pattern.compile("\"resourceType\":\"Procedure\",\"id\":\"([0-9]+)\"").matcher(intervention);
    assertThat(procedure.find()).as("the recorded intervention:%n%s", intervention).isTrue();
    assertThat(intervention)
        .as("brief-intervention")
        .contains("\"subject\":{\"reference\":\"" + patient + "\"}")
        .contains("\"code\":\"FS-CBTE\"", "\"code\":\"1111811000000109\"");

    assertThat(answers.get("mhsds-extract"))
        .as("mhsds-extract")
        .contains("NHSNumber,OrgIDProv,CareActId,CareContDate,CodeProcAndProcStatus")
        .contains("9449305552,8ZZ02," + procedure.group(1) + ",2026-11-02,1111811000000109,")
        .contains("\"CareActId\":\"" + procedure.group(1) + "\"");

    assertThat(answers.get("audit"))
        .as("audit")
        .contains("\"resourceType\":\"AuditEvent\"")
        // the access report names the GP practice that pulled the plan
        .contains("{\"name\":\"who\",\"valueString\":\"organisation Y99901\"}")
        .contains("{\"name\":\"intact\",\"valueBoolean\":true}");

    assertThat(answers.get("access-token"))
        .as("access-token: the same referral again, with a token")
        .contains("\"type\":\"transaction-response\"")
        .contains("\"location\":\"" + serviceRequest + "/_history/1\"");
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  /** The walk-through blocks of README.md, by step name, in order. */
  static Map<String, String> walkthroughBlocks() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Map<String, String> blocks = new LinkedHashMap<>();
    Matcher matcher = BLOCK.matcher(readme);
    while (matcher.find()) {
      if (blocks.put(matcher.group(1), matcher.group(2)) != null) {
        throw new IllegalStateException("Two walk-through steps named " + matcher.group(1));
      }
    }
    return blocks;
  }

  private static Map<String, String> answersByStep(String output) {
    Map<String, String> answers = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>(output.lines().toList());
    String step = null;
    StringBuilder answer = new StringBuilder();
    for (String line : lines) {
      if (line.startsWith(MARKER)) {
        if (step != null) {
          answers.put(step, answer.toString());
        }
        step = line.substring(MARKER.length()).strip();
        answer.setLength(0);
      } else if (step != null) {
        answer.append(line).append('\n');
      }
    }
    if (step != null) {
      answers.put(step, answer.toString());
    }
    return answers;
  }
}
