package org.cypmh.gateway.consent;

import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import org.cypmh.gateway.fhir.FhirServerInterceptor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * HAPI's consent interceptor on the REST server, asking {@link ReadConsent}. It removes refused
 * resources from search results, includes and later pages, and answers a read of a refused resource
 * as if it did not exist.
 */
@Component
@ConditionalOnProperty(name = "gateway.consent.enabled", matchIfMissing = true)
class ReadConsentInterceptor extends ConsentInterceptor implements FhirServerInterceptor {

  ReadConsentInterceptor(ReadConsent readConsent) {
    super(readConsent);
  }
}
