package org.cypmh.routes.api;

import org.hl7.fhir.r4.model.AuditEvent;

/**
 * The gateway's audit trail as routing sees it: every routing decision, consent decision, delivery
 * attempt and dead letter is recorded through it. Implemented by the gateway's tamper-evident audit
 * store; a route cannot deliver without leaving a record.
 */
public interface ExchangeAudit {

  /**
   * Records the event in the caller's transaction: it is stored exactly when the exchange it
   * describes is, and rolled back with it.
   */
  void record(AuditEvent event);
}
