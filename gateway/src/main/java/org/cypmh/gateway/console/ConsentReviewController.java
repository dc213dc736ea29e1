package org.cypmh.gateway.console;

import org.cypmh.gateway.consent.ConsentOperations;
import org.cypmh.routes.api.RoutingConsole;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Consent holds and break-glass uses awaiting review: the deliveries consent keeps back (each with
 * its referral's journey), the break-glass reads not yet signed off and the recorded break-glass
 * requests ({@code $break-glass-reviews}, {@code $break-glass-review}).
 */
@Controller
class ConsentReviewController {

  /** A page, not a report: the oldest holds are the ones to look at. */
  private static final int MAX_HOLDS = 200;

  private final ConsentOperations consent;
  private final RoutingConsole routing;

  ConsentReviewController(ConsentOperations consent, RoutingConsole routing) {
    this.consent = consent;
    this.routing = routing;
  }

  @GetMapping("/console/consent")
  String consent(Model model) {
    model.addAttribute("holds", routing.consentHolds(MAX_HOLDS));
    model.addAttribute("uses", ParameterRows.named(consent.breakGlassReviews(null), "use"));
    model.addAttribute("requests", ParameterRows.named(consent.breakGlassReview(null), "decision"));
    return "console/consent";
  }
}
