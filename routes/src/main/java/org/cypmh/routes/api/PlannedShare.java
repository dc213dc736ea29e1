package org.cypmh.routes.api;

/** Records the gateway decided to share with one destination, with the consent decision. */
public record PlannedShare(
    String routeId, DirectoryService destination, ConsentDecision consent, SharedRecord record)
    implements DeliveryPlan {}
