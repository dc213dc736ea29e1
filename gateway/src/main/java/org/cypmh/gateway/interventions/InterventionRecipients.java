package org.cypmh.gateway.interventions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.cypmh.routes.api.CamhsServices;
import org.cypmh.routes.api.DeliveredReferral;
import org.cypmh.routes.api.DeliveryRecords;
import org.cypmh.routes.api.DirectoryService;
import org.cypmh.routes.api.GpPractices;
import org.cypmh.routes.api.ServiceDirectory;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * Who should know about a young person's brief interventions: the CAMHS services that received
 * their referrals (the services that own their care), and their GP practice. The organisation that
 * delivered the intervention is left out: it already knows.
 */
@Component
class InterventionRecipients {

  private final DeliveryRecords deliveries;
  private final ServiceDirectory directory;
  private final CamhsServices camhs;
  private final GpPractices gpPractices;

  InterventionRecipients(
      DeliveryRecords deliveries,
      ServiceDirectory directory,
      CamhsServices camhs,
      GpPractices gpPractices) {
    this.deliveries = deliveries;
    this.directory = directory;
    this.camhs = camhs;
    this.gpPractices = gpPractices;
  }

  /**
   * The destinations, each once, by the reason it was chosen ({@code owning-camhs}, {@code gp}).
   *
   * @param performers the organisations that delivered the interventions (references as stored)
   */
  Map<DirectoryService, String> of(Patient patient, Set<String> performers) {
    Map<DirectoryService, String> recipients = new LinkedHashMap<>();
    String patientId = patient.getIdElement().toUnqualifiedVersionless().getValue();
    for (DeliveredReferral received : deliveries.deliveredTo(patientId)) {
      directory
          .byId(received.serviceId())
          .filter(camhs::isCamhs)
          .ifPresent(service -> recipients.putIfAbsent(service, "owning-camhs"));
    }
    gpPractices.of(patient).forEach(service -> recipients.putIfAbsent(service, "gp"));
    recipients.keySet().removeIf(service -> performers.contains(service.organization()));
    return recipients;
  }
}
