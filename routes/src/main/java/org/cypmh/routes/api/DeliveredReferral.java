package org.cypmh.routes.api;

import java.time.Instant;

/**
 * A referral a partner accepted.
 *
 * @param serviceId the directory service it went to
 * @param service that service's HealthcareService reference
 * @param patient the young person, e.g. {@code Patient/123}
 * @param referral the versionless referral, e.g. {@code ServiceRequest/12}
 * @param focus the referral version delivered
 * @param deliveredAt when the partner accepted it
 * @param consent the consent decision at the time, or null
 * @param redacted how many items consent left out
 */
public record DeliveredReferral(
    String serviceId,
    String service,
    String patient,
    String referral,
    String focus,
    Instant deliveredAt,
    String consent,
    int redacted) {}
