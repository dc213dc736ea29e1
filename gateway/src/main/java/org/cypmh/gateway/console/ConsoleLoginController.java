package org.cypmh.gateway.console;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The sign-in page: the organisation's IdP when configured, the local account when there is one.
 */
@Controller
class ConsoleLoginController {

  private final ConsoleProperties properties;
  private final ObjectProvider<LocalOperatorAccount> localAccount;

  ConsoleLoginController(
      ConsoleProperties properties, ObjectProvider<LocalOperatorAccount> localAccount) {
    this.properties = properties;
    this.localAccount = localAccount;
  }

  @GetMapping(ConsoleSecurityConfig.LOGIN)
  String login(Model model) {
    model.addAttribute("oidc", properties.oidc().configured());
    model.addAttribute("oidcName", properties.oidc().displayName());
    model.addAttribute(
        "oidcStart", "/console/oauth2/authorization/" + ConsoleSecurityConfig.REGISTRATION_ID);
    model.addAttribute("local", localAccount.getIfAvailable() != null);
    return "console/login";
  }
}
