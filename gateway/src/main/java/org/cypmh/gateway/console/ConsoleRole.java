package org.cypmh.gateway.console;

import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** What a person signed in to the console may do. */
enum ConsoleRole {
  /** Sees every page and replays dead letters. */
  OPERATOR,
  /** Sees the audit page only. */
  AUDITOR;

  SimpleGrantedAuthority authority() {
    return new SimpleGrantedAuthority("ROLE_CONSOLE_" + name());
  }

  /** The role name for {@code hasRole}: console roles never collide with partner roles. */
  String role() {
    return "CONSOLE_" + name();
  }
}
