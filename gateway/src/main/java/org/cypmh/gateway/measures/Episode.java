package org.cypmh.gateway.measures;

import java.time.Instant;

/**
 * One referral at one provider, as its milestones tell it: the unit the waiting-time figures count.
 *
 * @param provider ODS code, or null if no provider is known yet (the referral is not delivered)
 * @param service the HealthcareService it was delivered to, or null
 * @param receivedAt when the provider received it (its delivery), else when the gateway did; the
 *     MHSDS {@code ReferralRequestReceivedDate}
 * @param firstContactAt the first attended contact at this provider, or null
 * @param treatmentStartedAt the first care activity or reported start of treatment, or null
 */
record Episode(
    String referral,
    String patient,
    String provider,
    String service,
    Instant receivedAt,
    Instant firstContactAt,
    Instant treatmentStartedAt) {}
