package org.cypmh.routes.api;

import org.cypmh.routes.directory.DirectoryService;

/**
 * Decides whether a referral may go to a destination. The deliver block asks it for every
 * destination; a route cannot deliver without it.
 */
public interface ConsentCheck {

  ConsentDecision decide(RoutableReferral referral, DirectoryService destination);
}
