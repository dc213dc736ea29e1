package org.cypmh.routes.routing;

import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.directory.DirectoryService;

/** One destination something is to be delivered to, decided with its consent decision. */
public interface DeliveryPlan {

  /** The route (or sharing rule) that decided it. */
  String routeId();

  DirectoryService destination();

  ConsentDecision consent();
}
