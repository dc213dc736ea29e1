package org.cypmh.routes.routing;

import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.DeliveryPlan;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.RoutableReferral;

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
