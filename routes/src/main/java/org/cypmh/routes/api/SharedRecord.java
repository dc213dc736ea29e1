package org.cypmh.routes.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Records about a young person that the gateway shares on its own initiative (not a referral): a
 * summary of brief interventions, a transition care plan. Consent is asked for each destination as
 * for a referral; a resource whose security labels the decision withholds is left out.
 *
 * @param patient the young person, stored
 * @param resourceType the type of the records shared, e.g. {@code Procedure}
 * @param resources the stored records, latest versions
 */
public record SharedRecord(Patient patient, String resourceType, List<Resource> resources) {

  public SharedRecord {
    resources = List.copyOf(resources);
  }

  /** The stored Patient, versionless, e.g. {@code Patient/123}. */
  public String patientId() {
    return patient.getIdElement().toUnqualifiedVersionless().getValue();
  }

  /** The security labels on any of the records: each labelled record can be left out alone. */
  public Set<String> labels() {
    Set<String> labels = new LinkedHashSet<>();
    resources.forEach(
        r -> r.getMeta().getSecurity().stream().map(Coding::getCode).forEach(labels::add));
    return labels;
  }
}
