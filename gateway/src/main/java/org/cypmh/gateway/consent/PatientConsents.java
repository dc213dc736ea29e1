package org.cypmh.gateway.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import org.cypmh.profiles.api.ConformancePackage;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/** A young person's active Consents, from storage (read without consent filtering, by design). */
@Component
class PatientConsents {

  private final DaoRegistry daoRegistry;

  PatientConsents(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
  }

  /**
   * @param patientId the stored Patient, e.g. {@code Patient/123}; if null, the young person is
   *     found by NHS number (a referral previewed before it is stored)
   */
  List<Consent> of(String patientId, Patient patient) {
    if (patientId != null) {
      try {
        return search(new ReferenceParam(patientId));
      } catch (InvalidRequestException | ResourceNotFoundException e) {
        // Not stored (a previewed referral's own Patient id): find the young person by NHS number.
      }
    }
    String nhsNumber = nhsNumber(patient);
    if (nhsNumber == null) {
      return List.of();
    }
    List<String> stored =
        daoRegistry
            .getResourceDao(Patient.class)
            .search(
                SearchParameterMap.newSynchronous(
                    Patient.SP_IDENTIFIER,
                    new TokenParam(ConformancePackage.NHS_NUMBER_SYSTEM, nhsNumber)),
                new SystemRequestDetails())
            .getAllResources()
            .stream()
            .map(p -> p.getIdElement().toUnqualifiedVersionless().getValue())
            .toList();
    return stored.isEmpty() ? List.of() : search(new ReferenceParam(stored.get(0)));
  }

  private List<Consent> search(ReferenceParam patient) {
    SearchParameterMap query = SearchParameterMap.newSynchronous();
    query.add(Consent.SP_STATUS, new TokenParam("active"));
    query.add(Consent.SP_PATIENT, patient);
    return daoRegistry
        .getResourceDao(Consent.class)
        .search(query, new SystemRequestDetails())
        .getAllResources()
        .stream()
        .map(Consent.class::cast)
        .toList();
  }

  private static String nhsNumber(Patient patient) {
    if (patient == null) {
      return null;
    }
    return patient.getIdentifier().stream()
        .filter(i -> ConformancePackage.NHS_NUMBER_SYSTEM.equals(i.getSystem()))
        .map(i -> i.getValue())
        .findFirst()
        .orElse(null);
  }
}
