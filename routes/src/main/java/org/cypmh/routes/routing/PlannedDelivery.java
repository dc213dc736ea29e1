package org.cypmh.routes.routing;

import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.RoutableReferral;
import org.cypmh.routes.directory.DirectoryService;

/**
 * What a route decided for one destination: deliver this referral (as translated by the route) to
 * this service, with this consent decision.
 */
public record PlannedDelivery(
    String routeId,
    DirectoryService destination,
    ConsentDecision consent,
    RoutableReferral referral)
    implements DeliveryPlan {}
