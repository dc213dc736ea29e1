package org.cypmh.gateway.measures;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.cypmh.profiles.api.ConformancePackage;
import org.cypmh.terminology.api.TerminologyContent;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;

/**
 * What a figure run needs from the stored resources (the young person, the referral's priority, the
 * service type), read once each and remembered for the run only. A resource the gateway no longer
 * holds reads as unknown, and is counted as missing data, not as an error.
 */
final class ReferralFacts {

  static final String ETHNIC_CATEGORY =
      "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";

  private final DaoRegistry daoRegistry;
  private final LocalDate start;
  private final LocalDate end;
  private final Map<String, Person> people = new HashMap<>();
  private final Map<String, String> serviceTypes = new HashMap<>();

  ReferralFacts(DaoRegistry daoRegistry, LocalDate start, LocalDate end) {
    this.daoRegistry = daoRegistry;
    this.start = start;
    this.end = end;
  }

  Person person(String patient) {
    return patient == null ? Person.UNKNOWN : people.computeIfAbsent(patient, this::readPerson);
  }

  String serviceType(String service) {
    if (service == null) {
      return null;
    }
    return serviceTypes.computeIfAbsent(
        service,
        s -> {
          HealthcareService read = (HealthcareService) read(s);
          return read == null
              ? null
              : read.getType().stream()
                  .flatMap(t -> t.getCoding().stream())
                  .filter(
                      c ->
                          TerminologyContent.SERVICE_TYPE_SYSTEM.equals(c.getSystem())
                              && c.hasCode())
                  .map(Coding::getCode)
                  .findFirst()
                  .orElse(null);
        });
  }

  String priority(String referral) {
    ServiceRequest read = referral == null ? null : (ServiceRequest) read(referral);
    return read != null && read.hasPriority() ? read.getPriority().toCode() : null;
  }

  private Person readPerson(String patient) {
    Patient read = (Patient) read(patient);
    if (read == null) {
      return Person.UNKNOWN;
    }
    LocalDate born =
        read.hasBirthDate()
            ? LocalDate.parse(read.getBirthDateElement().getValueAsString().substring(0, 10))
            : null;
    Extension ethnic = read.getExtensionByUrl(ETHNIC_CATEGORY);
    String ethnicity =
        ethnic != null
                && ethnic.getValue() instanceof CodeableConcept concept
                && concept.hasCoding()
            ? concept.getCodingFirstRep().getCode()
            : null;
    // Only those reaching 18 in the period are asked about (one search each).
    boolean reaches18 =
        born != null && !born.plusYears(18).isBefore(start) && !born.plusYears(18).isAfter(end);
    return new Person(
        born,
        read.hasGender() ? read.getGender().toCode() : null,
        ethnicity,
        reaches18 && agreedTransitionPlan(patient));
  }

  private boolean agreedTransitionPlan(String patient) {
    SearchParameterMap plans =
        SearchParameterMap.newSynchronous(CarePlan.SP_SUBJECT, new ReferenceParam(patient));
    for (IBaseResource found :
        daoRegistry
            .getResourceDao(CarePlan.class)
            .search(plans, new SystemRequestDetails())
            .getAllResources()) {
      Extension agreed = ((CarePlan) found).getExtensionByUrl(ConformancePackage.AGREED_EXTENSION);
      if (agreed != null
          && agreed.getValue() instanceof BooleanType flag
          && Boolean.TRUE.equals(flag.getValue())) {
        return true;
      }
    }
    return false;
  }

  private IBaseResource read(String reference) {
    return StoredResources.find(daoRegistry, reference);
  }
}
