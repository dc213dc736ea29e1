package org.cypmh.gateway.audit;

import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * HAPI's IHE BALP interceptor, writing straight into the audit trail: creates, updates and deletes
 * are recorded in the storing transaction (pre-commit), reads and searches before the response goes
 * out. Ordered after the consent interceptor (order 100), so a read records only what consent let
 * the partner see.
 */
@Component
@Interceptor(order = 1000)
@ConditionalOnProperty(name = "gateway.audit.enabled", matchIfMissing = true)
class RestExchangeCapture extends BalpAuditCaptureInterceptor implements FhirServerInterceptor {

  RestExchangeCapture(AuditTrail trail) {
    super(trail::record, new PartnerAuditContext());
  }
}
