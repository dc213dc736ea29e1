package org.cypmh.gateway.console;

import java.util.List;
import org.cypmh.routes.api.RoutingConsole;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Dead letters (deliveries that ran out of attempts), with the reason each failed, and their
 * replay; and stuck work, outbox events that keep failing to route (they retry on their own): the
 * selected ones, or all of one service ({@code $dead-letters}, {@code $replay}).
 */
@Controller
class DeadLettersController {

  private final RoutingConsole routing;

  DeadLettersController(RoutingConsole routing) {
    this.routing = routing;
  }

  @GetMapping("/console/dead-letters")
  String deadLetters(Model model) {
    model.addAttribute("deadLetters", ParameterRows.named(routing.deadLetters(null), "deadLetter"));
    model.addAttribute("stuck", routing.stuckEvents());
    return "console/dead-letters";
  }

  @PostMapping("/console/dead-letters/replay")
  String replay(
      @RequestParam(name = "delivery", required = false) List<Integer> selected,
      RedirectAttributes redirect) {
    int replayed = 0;
    for (Integer delivery : selected == null ? List.<Integer>of() : selected) {
      Parameters answer = routing.replay(new IntegerType(delivery), null);
      replayed += ((IntegerType) answer.getParameterValue("replayed")).getValue();
    }
    redirect.addFlashAttribute(
        "message", "Replayed " + replayed + (replayed == 1 ? " delivery" : " deliveries"));
    return "redirect:/console/dead-letters";
  }
}
