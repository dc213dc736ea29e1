package org.cypmh.gateway.console;

import org.cypmh.gateway.consent.ConsentOperations;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Consent holds and break-glass uses awaiting review: the break-glass reads not yet signed off and
 * the recorded break-glass requests ({@code $break-glass-reviews}, {@code $break-glass-review}).
 */
@Controller
class ConsentReviewController {

  private final ConsentOperations consent;

  ConsentReviewController(ConsentOperations consent) {
    this.consent = consent;
  }

  @GetMapping("/console/consent")
  String consent(Model model) {
    model.addAttribute("uses", ParameterRows.named(consent.breakGlassReviews(null), "use"));
    model.addAttribute("requests", ParameterRows.named(consent.breakGlassReview(null), "decision"));
    return "console/consent";
  }
}
