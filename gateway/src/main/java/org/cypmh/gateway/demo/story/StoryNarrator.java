package org.cypmh.gateway.demo.story;

import java.io.PrintStream;

/**
 * Prints the guided demo as it happens: a numbered heading per step, what happened (with the ids
 * the gateway gave), and whether the step ended as the story says ({@code [ok]}) or not ({@code
 * [FAILED]}, with the reason).
 */
final class StoryNarrator {

  private final PrintStream out;
  private int step;
  private int passed;

  StoryNarrator(PrintStream out) {
    this.out = out;
  }

  void step(String title) {
    step++;
    out.printf("%n%2d. %s%n", step, title);
  }

  void say(String format, Object... args) {
    out.printf("      " + format + "%n", args);
  }

  void passed() {
    passed++;
    out.println("      [ok]");
  }

  void failed(String reason) {
    out.println("      [FAILED] " + reason);
  }

  int steps() {
    return step;
  }

  int passedSteps() {
    return passed;
  }

  void print(String line) {
    out.println(line);
  }
}
