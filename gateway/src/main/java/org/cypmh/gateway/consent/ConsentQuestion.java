package org.cypmh.gateway.consent;

import java.time.Instant;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;

/**
 * What the consent service is asked: may this data about this young person go to this recipient,
 * for this purpose, now?
 *
 * @param patient the young person (birth date and NHS number), or null if unknown
 * @param patientId the stored Patient, versionless (e.g. {@code Patient/123}), or null
 * @param recipient who would receive it
 * @param purpose purpose of use ({@code v3-ActReason}), e.g. {@code TREAT}
 * @param resourceType the main resource shared, e.g. {@code ServiceRequest}
 * @param labels security labels on the main resource: if any is withheld, nothing is shared
 * @param separableLabels security labels on resources that can be left out (supporting info)
 * @param at when: age and consent periods are judged on this day
 * @param breakGlassReason an emergency override asked for ({@code cypmh-break-glass-reason}), or
 *     null
 */
public record ConsentQuestion(
    Patient patient,
    String patientId,
    Recipient recipient,
    String purpose,
    String resourceType,
    Set<String> labels,
    Set<String> separableLabels,
    Instant at,
    String breakGlassReason) {

  public static final String TREATMENT = "TREAT";

  public ConsentQuestion {
    labels = Set.copyOf(labels);
    separableLabels = Set.copyOf(separableLabels);
  }
}
