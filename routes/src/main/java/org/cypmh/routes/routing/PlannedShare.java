package org.cypmh.routes.routing;

import org.cypmh.routes.api.ConsentDecision;
import org.cypmh.routes.api.SharedRecord;
import org.cypmh.routes.directory.DirectoryService;

/** Records the gateway decided to share with one destination, with the consent decision. */
public record PlannedShare(
    String routeId, DirectoryService destination, ConsentDecision consent, SharedRecord record)
    implements DeliveryPlan {}
