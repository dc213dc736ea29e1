package org.cypmh.routes.api;

/** One destination something is to be delivered to, decided with its consent decision. */
public interface DeliveryPlan {

  /** The route (or sharing rule) that decided it. */
  String routeId();

  DirectoryService destination();

  ConsentDecision consent();
}
