package org.cypmh.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Refuses a Bundle with more entries than {@code gateway.fhir.max-bundle-entries} with 413, as soon
 * its entries run (thousands of searches in one Bundle would tie a worker up for many seconds).
 */
@Component
class BundleEntryLimit implements FhirServerInterceptor {

  private final int maxEntries;

  BundleEntryLimit(FhirServerProperties properties) {
    this.maxEntries = properties.maxBundleEntries();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  void check(RequestDetails request) {
    if (request.getResource() instanceof Bundle bundle && bundle.getEntry().size() > maxEntries) {
      throw new PayloadTooLargeException(
          "The Bundle has "
              + bundle.getEntry().size()
              + " entries; the gateway accepts at most "
              + maxEntries
              + " (gateway.fhir.max-bundle-entries). Split it into smaller Bundles.");
    }
  }
}
