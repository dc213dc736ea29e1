package org.cypmh.routes.api;

/**
 * What the routing engine writes on a referral's tracking Task for others to read: the output
 * naming each service the referral was delivered to (read by Task visibility and the referral
 * milestones).
 */
public final class TaskOutputs {

  /** The code system of the gateway's Task output types. */
  public static final String OUTPUT_TYPE_SYSTEM =
      "https://cypmh-gateway.org/fhir/CodeSystem/task-output";

  /** The Task output naming a service the referral was delivered to. */
  public static final String DELIVERED_TO = "delivered-to";

  private TaskOutputs() {}
}
